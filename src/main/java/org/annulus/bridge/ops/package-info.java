/** Operations: clock, health, metrics and start-up checks. */
package org.annulus.bridge.ops;
