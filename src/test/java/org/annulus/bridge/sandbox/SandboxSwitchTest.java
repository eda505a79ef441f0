package org.annulus.bridge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import org.annulus.bridge.security.ApiSecurityProperties;
import org.annulus.bridge.security.TrustedIssuer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;

class SandboxSwitchTest {

    /** What the sandbox needs from the application: the FhirContext, settings, and Spring Security's HttpSecurity. */
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({SandboxProperties.class, ApiSecurityProperties.class})
    @EnableWebSecurity
    static class Fhir {
        @Bean
        FhirContext fhirContext() {
            return FhirContext.forR4Cached();
        }
    }

    final WebApplicationContextRunner runner =
            new WebApplicationContextRunner().withUserConfiguration(Fhir.class, SandboxConfiguration.class);

    @Test
    void sandboxIsOffWhenDisabled() {
        runner.withPropertyValues("bridge.sandbox.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(SandboxEhr.class)
                .doesNotHaveBean(ServletRegistrationBean.class));
    }

    @Test
    void sandboxIsOnByDefault(@TempDir Path dataDir) {
        runner.withPropertyValues("bridge.sandbox.data-dir=" + dataDir).run(context -> assertThat(context)
                .hasSingleBean(SandboxEhr.class)
                .hasBean("sandboxFhirServlet")
                .hasBean("sandboxAuthServlet")
                .hasSingleBean(TrustedIssuer.class)
                .hasBean("sandboxSecurity"));
    }

    @Test
    void aRealEhrSwitchesTheSandboxOffWhateverElseIsSet(@TempDir Path dataDir) {
        runner.withPropertyValues(
                        "bridge.sandbox.data-dir=" + dataDir,
                        "bridge.sandbox.enabled=true",
                        "bridge.ehr.base-url=https://ehr.example.org/fhir")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(SandboxEhr.class)
                        .doesNotHaveBean(ServletRegistrationBean.class)
                        .doesNotHaveBean(TrustedIssuer.class)
                        .doesNotHaveBean(DevTokens.class)
                        .doesNotHaveBean("sandboxSecurity"));
    }
}
