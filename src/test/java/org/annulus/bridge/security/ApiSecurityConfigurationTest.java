package org.annulus.bridge.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.List;
import org.annulus.bridge.ehr.EhrProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

/** Start-up rules and token checks of the resource server, in a context of just the security beans. */
class ApiSecurityConfigurationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({ApiSecurityProperties.class, EhrProperties.class})
    @EnableWebSecurity
    static class Application {
        @Bean
        FhirContext fhirContext() {
            return FhirContext.forR4Cached();
        }
    }

    final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(OAuth2ResourceServerAutoConfiguration.class))
            .withUserConfiguration(Application.class, ApiSecurityConfiguration.class);

    @Test
    void aRealEhrWithoutAnIssuerFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("bridge.ehr.base-url=https://ehr.example.org/fhir")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("spring.security.oauth2.resourceserver.jwt.issuer-uri")
                            .hasMessageContaining("bridge.ehr.base-url");
                });
    }

    @Test
    void aRealEhrWithAnIssuerStarts() {
        runner.withPropertyValues(
                        "bridge.ehr.base-url=https://ehr.example.org/fhir",
                        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=https://idp.example.org/jwks")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void theAudienceIsCheckedOnlyWhenConfigured() {
        OAuth2TokenValidator<Jwt> unchecked = validator("");
        OAuth2TokenValidator<Jwt> checked = validator("annulus-bridge");

        Jwt forBridge = jwt("clinic-a", List.of("annulus-bridge"));
        Jwt forOther = jwt("clinic-a", List.of("another-api"));

        assertThat(unchecked.validate(forOther).hasErrors()).isFalse();
        assertThat(checked.validate(forBridge).hasErrors()).isFalse();
        assertThat(checked.validate(forOther).getErrors())
                .singleElement()
                .satisfies(e -> assertThat(e.getDescription()).contains("aud").contains("annulus-bridge"));
    }

    @Test
    void aTokenMustNameAClientThatFitsTheStore() {
        OAuth2TokenValidator<Jwt> validator = validator("");

        assertThat(validator.validate(jwt("x".repeat(255), List.of())).hasErrors())
                .isFalse();
        assertThat(validator.validate(jwt("x".repeat(256), List.of())).hasErrors())
                .isTrue();
    }

    private static OAuth2TokenValidator<Jwt> validator(String audience) {
        return new ApiSecurityConfiguration().bridgeTokenValidator(new ApiSecurityProperties("scope", audience, null));
    }

    private static Jwt jwt(String subject, List<String> audience) {
        Jwt.Builder builder = Jwt.withTokenValue("t")
                .header("alg", "RS256")
                .subject(subject)
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(60));
        if (!audience.isEmpty()) {
            builder.audience(audience);
        }
        return builder.build();
    }
}
