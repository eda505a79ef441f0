package org.annulus.bridge.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's SMART endpoints: the discovery document at
 * {@code /sandbox/fhir/.well-known/smart-configuration} (an exact servlet mapping, which wins over
 * the FHIR server's {@code /sandbox/fhir/*}) and the token endpoint at {@code /sandbox/auth/token}.
 */
final class SandboxAuthServlet extends HttpServlet {

    static final String DISCOVERY_PATH = SandboxEhr.BASE_PATH + "/.well-known/smart-configuration";
    static final String TOKEN_PATH = "/sandbox/auth/token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient SandboxAuthorizationServer server;
    private final transient DevTokens devTokens;

    SandboxAuthServlet(SandboxAuthorizationServer server, DevTokens devTokens) {
        this.server = server;
        this.devTokens = devTokens;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!DISCOVERY_PATH.equals(request.getServletPath())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        // SMART App Launch 2.x §"Metadata": what a backend-services client needs to know.
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("token_endpoint", origin(request) + TOKEN_PATH);
        // client_secret_post: only the development clients of the bridge's own API (DevTokens)
        config.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt", "client_secret_post"));
        config.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
        config.put("grant_types_supported", List.of("client_credentials"));
        config.put("scopes_supported", List.of("system/*.cruds", "system/*.read", "system/*.write"));
        config.put("capabilities", List.of("client-confidential-asymmetric", "permission-v1", "permission-v2"));
        write(response, 200, config);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!TOKEN_PATH.equals(request.getServletPath())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        Map<String, String> form = new HashMap<>();
        request.getParameterMap().forEach((name, values) -> form.put(name, values[0]));
        response.setHeader("Cache-Control", "no-store");
        try {
            if (form.containsKey("client_secret")) {
                // client_secret_post: a development client asking for a token to call the bridge's API
                if (!"client_credentials".equals(form.get("grant_type"))) {
                    throw new SandboxAuthorizationServer.OAuthError(
                            400, "unsupported_grant_type", "only client_credentials is supported");
                }
                Map<String, Object> token = devTokens.issue(form.get("client_id"), form.get("client_secret"));
                if (wantsPlainText(request)) {
                    // for a one-line curl without jq: TOKEN=$(curl ... -H 'Accept: text/plain' ...)
                    response.setStatus(200);
                    response.setContentType("text/plain");
                    response.setCharacterEncoding("UTF-8");
                    response.getWriter().write(token.get("access_token") + "\n");
                    return;
                }
                write(response, 200, token);
                return;
            }
            String tokenUrl = origin(request) + TOKEN_PATH;
            String localJwks =
                    "http://127.0.0.1:" + request.getLocalPort() + request.getContextPath() + "/.well-known/jwks.json";
            write(response, 200, server.token(form, tokenUrl, localJwks));
        } catch (SandboxAuthorizationServer.OAuthError e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", e.error);
            error.put("error_description", e.getMessage());
            write(response, e.status, error);
        }
    }

    private static boolean wantsPlainText(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).startsWith("text/plain");
    }

    private static String origin(HttpServletRequest request) {
        return request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort()
                + request.getContextPath();
    }

    private static void write(HttpServletResponse response, int status, Map<String, Object> body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        JSON.writeValue(response.getOutputStream(), body);
    }
}
