package org.annulus.bridge.security;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.annulus.bridge.ehr.EhrProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerAuthenticationManagerResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The bridge's API as an OAuth 2.0 resource server: bearer JWTs only, stateless, roles per
 * {@link AccessRules}. Tokens are routed by their {@code iss}: an in-process {@link TrustedIssuer}
 * (the sandbox's) by its own decoder, any other to Spring Boot's decoder for
 * {@code spring.security.oauth2.resourceserver.jwt.*}, which checks the configured issuer.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfiguration implements WebMvcConfigurer {

    static final String ISSUER_PROPERTY = "spring.security.oauth2.resourceserver.jwt.issuer-uri";
    /** The stored submitter column's width (V4). */
    static final int MAX_CLIENT_ID = 255;

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
    private static final Logger log = LoggerFactory.getLogger(ApiSecurityConfiguration.class);

    @Bean
    Refusals refusals(FhirContext fhir) {
        return new Refusals(fhir);
    }

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE - 100)
    SecurityFilterChain apiSecurity(
            HttpSecurity http, AuthenticationManagerResolver<HttpServletRequest> bearerTokens, Refusals refusals)
            throws Exception {
        http.authorizeHttpRequests(requests -> {
            // The error page renders a status already decided (and authorized) for the original request.
            requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
            for (AccessRules.Rule rule : AccessRules.RULES) {
                var matched = requests.requestMatchers(rule.matcher());
                if (rule.isPublic()) {
                    matched.permitAll();
                } else {
                    matched.hasAnyAuthority(rule.authorities());
                }
            }
        });
        http.oauth2ResourceServer(oauth -> oauth.authenticationManagerResolver(bearerTokens)
                        .authenticationEntryPoint(refusals)
                        .accessDeniedHandler(refusals))
                .exceptionHandling(e -> e.authenticationEntryPoint(refusals).accessDeniedHandler(refusals))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                // Bearer tokens only, read from the Authorization header, never from cookies or the query:
                // a browser cannot attach them cross-site, so there is no CSRF to defend against.
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable);
        return http.build();
    }

    /** Host check (DNS rebinding) when {@code bridge.security.allowed-hosts} is set; every refusal an OperationOutcome. */
    @Bean
    WebSecurityCustomizer firewall(ApiSecurityProperties properties, Refusals refusals) {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        if (!properties.allowedHosts().isEmpty()) {
            Set<String> allowed = new HashSet<>(LOOPBACK);
            properties.allowedHosts().forEach(h -> allowed.add(h.toLowerCase(java.util.Locale.ROOT)));
            firewall.setAllowedHostnames(host -> allowed.contains(host.toLowerCase(java.util.Locale.ROOT)));
        }
        return web -> web.httpFirewall(firewall).requestRejectedHandler(refusals);
    }

    /**
     * Checks of every token, whichever its issuer: a client id we can store, and the audience when one
     * is configured. Spring Boot adds validator beans to its own decoder too.
     */
    @Bean
    OAuth2TokenValidator<Jwt> bridgeTokenValidator(ApiSecurityProperties properties) {
        OAuth2TokenValidator<Jwt> client = jwt -> TokenRoles.clientId(jwt)
                        .filter(id -> id.length() <= MAX_CLIENT_ID)
                        .isPresent()
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error(
                        "invalid_token",
                        "the token names no client (azp, client_id or sub) of at most " + MAX_CLIENT_ID + " characters",
                        null));
        if (!properties.checksAudience()) {
            return client;
        }
        OAuth2TokenValidator<Jwt> audience =
                jwt -> jwt.getAudience() != null && jwt.getAudience().contains(properties.audience())
                        ? OAuth2TokenValidatorResult.success()
                        : OAuth2TokenValidatorResult.failure(new OAuth2Error(
                                "invalid_token", "the token's aud does not contain " + properties.audience(), null));
        return new DelegatingOAuth2TokenValidator<>(List.of(client, audience));
    }

    @Bean
    AuthenticationManagerResolver<HttpServletRequest> bearerTokens(
            ObjectProvider<JwtDecoder> configured,
            ObjectProvider<TrustedIssuer> trusted,
            ApiSecurityProperties properties,
            EhrProperties ehr) {
        Map<String, AuthenticationManager> byIssuer = trusted.orderedStream()
                .collect(Collectors.toMap(TrustedIssuer::issuer, t -> manager(t.decoder(), t.rolesClaim())));
        JwtDecoder decoder = configured.getIfAvailable();
        if (decoder == null && byIssuer.isEmpty()) {
            throw new IllegalStateException(ISSUER_PROPERTY + " (or its sibling jwk-set-uri) is required"
                    + (ehr.usesSandbox() ? " when the sandbox is off" : " with bridge.ehr.base-url")
                    + ": the OAuth 2.0 issuer of the tokens clinics and operators present to the bridge"
                    + " (see README, 'Security')");
        }
        AuthenticationManager other = decoder == null ? null : manager(decoder, properties.rolesClaim());
        log.info(
                "Bridge API accepts bearer tokens from {}; roles from claim {}",
                decoder == null
                        ? byIssuer.keySet()
                        : byIssuer.isEmpty()
                                ? "the configured issuer"
                                : "the configured issuer and " + byIssuer.keySet(),
                properties.rolesClaim());
        return new JwtIssuerAuthenticationManagerResolver(issuer -> byIssuer.getOrDefault(issuer, other));
    }

    private static AuthenticationManager manager(JwtDecoder decoder, String rolesClaim) {
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
        provider.setJwtAuthenticationConverter(new TokenRoles(rolesClaim));
        return provider::authenticate;
    }

    /** {@link Caller} as a controller parameter. */
    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == Caller.class;
            }

            @Override
            public Object resolveArgument(
                    MethodParameter parameter,
                    ModelAndViewContainer mav,
                    NativeWebRequest request,
                    WebDataBinderFactory binders) {
                return Caller.of(SecurityContextHolder.getContext().getAuthentication());
            }
        });
    }
}
