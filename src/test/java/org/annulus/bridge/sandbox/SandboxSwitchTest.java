package org.annulus.bridge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class SandboxSwitchTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SandboxProperties.class)
    static class Fhir {
        @Bean
        FhirContext fhirContext() {
            return FhirContext.forR4Cached();
        }
    }

    final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withUserConfiguration(Fhir.class, SandboxConfiguration.class);

    @Test
    void sandboxIsOffWhenDisabled() {
        runner.withPropertyValues("bridge.sandbox.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SandboxEhr.class)
                        .doesNotHaveBean(ServletRegistrationBean.class));
    }

    @Test
    void sandboxIsOnByDefault(@TempDir Path dataDir) {
        runner.withPropertyValues("bridge.sandbox.data-dir=" + dataDir)
                .run(context -> assertThat(context).hasSingleBean(SandboxEhr.class)
                        .hasBean("sandboxFhirServlet").hasBean("sandboxAuthServlet"));
    }
}
