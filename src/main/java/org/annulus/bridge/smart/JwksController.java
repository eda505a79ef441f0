package org.annulus.bridge.smart;

import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Our public keys as a JWK Set: the URL hospital IT registers instead of pasting a key, which lets
 * the EHR pick up a rotated key by itself. Public halves only.
 */
@RestController
class JwksController {

    static final String PATH = "/.well-known/jwks.json";

    private final SmartAuthorization authorization;

    JwksController(SmartAuthorization authorization) {
        this.authorization = authorization;
    }

    @GetMapping(
            path = PATH,
            produces = {"application/jwk-set+json", MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<Map<String, Object>> jwks() {
        // Short caching: a rotated key must become visible to the EHR soon.
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(5)))
                .body(authorization.publishedKeys().toJSONObject(true));
    }
}
