package org.annulus.bridge.ehr;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.apache.http.client.HttpClient;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.socket.PlainConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;

/**
 * The HTTP client under HAPI's FHIR client: the EHR trust store, the timeouts, same-origin redirects only,
 * and HAPI's default pool size (HAPI applies none of its own settings to a client it is given).
 */
final class EhrHttpClient {

    static final int POOL = 20;

    private EhrHttpClient() {}

    static HttpClient create(SSLContext tls, Duration connectTimeout, Duration readTimeout) {
        PoolingHttpClientConnectionManager pool =
                new PoolingHttpClientConnectionManager(RegistryBuilder.<ConnectionSocketFactory>create()
                        .register("http", PlainConnectionSocketFactory.getSocketFactory())
                        .register("https", new SSLConnectionSocketFactory(tls))
                        .build());
        pool.setMaxTotal(POOL);
        pool.setDefaultMaxPerRoute(POOL);
        RequestConfig timeouts = RequestConfig.custom()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setSocketTimeout((int) readTimeout.toMillis())
                .setConnectionRequestTimeout((int) readTimeout.toMillis())
                .build();
        return HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(timeouts)
                .setRedirectStrategy(new SameOriginRedirects())
                .disableCookieManagement()
                .useSystemProperties()
                .build();
    }
}
