package org.annulus.jpaserver;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binstore.MemoryBinaryStorageSvcImpl;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManagerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * A real FHIR R4 server for tests and load runs: HAPI FHIR JPA server 8.4 on an in-memory H2 (or PostgreSQL, below)
 * database, served by an embedded Tomcat on 127.0.0.1, no authentication (fictional data only).
 *
 * <p>Run as its own process ({@code JpaFhirServerProcess} in the tests) on its own classpath, which
 * the build assembles (its own source set, compiled by {@code maven-antrun-plugin} against HAPI's JPA
 * server; see {@code pom.xml}): it has a plain Spring context of its own (HAPI's JPA configuration,
 * Hibernate, its own transaction manager) that never meets the bridge's Spring Boot context, and none
 * of its jars are on the bridge's test classpath. Not a Spring Boot application on purpose: nothing
 * of the bridge's {@code application.yaml} or auto-configuration applies here.
 *
 * <p>Arguments: {@code <port-file> [port] [--mode=open|epic-like|oracle-like] [--jdbc=<url>] [--record=<file>]}:
 * {@code --jdbc} puts it on that database instead of H2 (a {@code jdbc:postgresql:} URL: the benchmark's own
 * database; user {@code postgres} or {@code -Djpaserver.user}); {@code --record} appends each write request
 * it receives to the file ({@link WriteRecorder}). The server binds the port
 * (default: any free one) and writes it to the file once it answers, so the parent knows where and when.
 * The FHIR base is {@code http://127.0.0.1:<port>/fhir}. A mode other than {@code open} (the default) makes
 * it refuse what a hospital EHR refuses ({@link ServerMode}, {@link RestrictedEhr}).
 */
public final class JpaFhirServer {

    private static final Logger log = LoggerFactory.getLogger(JpaFhirServer.class);
    private static final String MODE = "--mode=";
    private static final String JDBC = "--jdbc=";
    private static final String RECORD = "--record=";

    private JpaFhirServer() {
    }

    public static void main(String[] args) {
        List<String> positional = Arrays.stream(args)
                .filter(a -> !a.startsWith(MODE) && !a.startsWith(JDBC) && !a.startsWith(RECORD))
                .toList();
        if (positional.isEmpty() || positional.size() > 2) {
            throw new IllegalArgumentException("usage: JpaFhirServer <port-file> [port] [" + MODE
                    + "open|epic-like|oracle-like] [" + JDBC + "<url>] [" + RECORD + "<file>]");
        }
        String jdbc = option(args, JDBC).orElse(JpaConfiguration.H2);
        Path record = option(args, RECORD).map(Path::of).orElse(null);
        ServerMode mode = Arrays.stream(args)
                .filter(a -> a.startsWith(MODE))
                .map(a -> ServerMode.named(a.substring(MODE.length())))
                .reduce((first, second) -> second)
                .orElse(ServerMode.OPEN);
        quietLogging();
        try {
            int port = positional.size() == 2 ? Integer.parseInt(positional.get(1)) : 0;
            run(Path.of(positional.get(0)), port, mode, jdbc, record);
        } catch (Throwable e) {
            // HAPI's scheduler and pool threads would keep a half-started JVM alive: stop it for real
            log.error("HAPI FHIR JPA server failed to start", e);
            System.exit(1);
        }
    }

    private static java.util.Optional<String> option(String[] args, String prefix) {
        return Arrays.stream(args)
                .filter(a -> a.startsWith(prefix))
                .map(a -> a.substring(prefix.length()))
                .reduce((first, second) -> second);
    }

    private static void run(Path portFile, int requestedPort, ServerMode mode, String jdbc, Path record)
            throws Exception {
        long started = System.nanoTime();
        AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext();
        spring.registerBean(ServerMode.class, () -> mode);
        spring.registerBean(Database.class, () -> new Database(jdbc));
        spring.register(JpaConfiguration.class);
        spring.refresh();
        spring.registerShutdownHook();

        RestfulServer fhir = restfulServer(spring);
        if (mode.restricted()) {
            fhir.registerInterceptor(new RestrictedEhr(mode));
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("jpa-fhir-tomcat").toString());
        Connector connector = new Connector();
        connector.setPort(requestedPort);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "fhir", fhir).setLoadOnStartup(1);
        context.addServletMappingDecoded("/fhir/*", "fhir");
        if (record != null) {
            org.apache.tomcat.util.descriptor.web.FilterDef recorder = new org.apache.tomcat.util.descriptor.web.FilterDef();
            recorder.setFilterName("record");
            recorder.setFilter(new WriteRecorder(record));
            context.addFilterDef(recorder);
            org.apache.tomcat.util.descriptor.web.FilterMap mapping = new org.apache.tomcat.util.descriptor.web.FilterMap();
            mapping.setFilterName("record");
            mapping.addURLPattern("/fhir/*");
            context.addFilterMap(mapping);
        }
        tomcat.start();
        int port = connector.getLocalPort();

        Path partial = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(partial, Integer.toString(port), StandardCharsets.US_ASCII);
        Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log.warn("HAPI FHIR JPA server ({}, {}) ready at http://127.0.0.1:{}/fhir after {} ms", mode.argument(),
                jdbc.startsWith(Database.POSTGRES) ? "PostgreSQL" : "H2", port, (System.nanoTime() - started) / 1_000_000);
        tomcat.getServer().await();
    }

    private static RestfulServer restfulServer(AnnotationConfigApplicationContext spring) {
        FhirContext context = spring.getBean(FhirContext.class);
        RestfulServer server = new RestfulServer(context);
        server.registerProviders(spring.getBean(ResourceProviderFactory.class).createProviders());
        server.registerProvider(spring.getBean("mySystemProviderR4"));
        DatabaseBackedPagingProvider paging = spring.getBean(DatabaseBackedPagingProvider.class);
        paging.setDefaultPageSize(100);
        paging.setMaximumPageSize(1000);
        server.setPagingProvider(paging);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setServerConformanceProvider(new JpaCapabilityStatementProvider(server,
                spring.getBean(IFhirSystemDao.class), spring.getBean(JpaStorageSettings.class),
                spring.getBean(ISearchParamRegistry.class), spring.getBean(IValidationSupport.class)));
        return server;
    }

    private static void quietLogging() {
        // logback without a configuration file logs everything at DEBUG: Hibernate alone would fill the disk
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(JpaFhirServer.class)).setLevel(Level.INFO);
    }

    /** The server's database: H2 in memory by default, or the JDBC URL given (PostgreSQL, for load runs). */
    record Database(String url) {
        static final String POSTGRES = "jdbc:postgresql:";

        boolean postgres() {
            return url.startsWith(POSTGRES);
        }
    }

    /** HAPI's JPA server, R4, the way HAPI's own {@code TestR4Config} wires it, minus the test probes. */
    @Configuration
    @Import({JpaR4Config.class, HapiJpaConfig.class, JpaBatch2Config.class, Batch2JobsConfig.class,
            ThreadPoolFactoryConfig.class, SubscriptionChannelConfig.class})
    static class JpaConfiguration {

        static final String H2 = "jdbc:h2:mem:jpa-fhir;DB_CLOSE_DELAY=-1";

        @org.springframework.beans.factory.annotation.Autowired
        Database database;

        @Bean
        public DataSource dataSource() {
            HikariDataSource dataSource = new HikariDataSource();
            dataSource.setJdbcUrl(database.url());
            dataSource.setUsername(database.postgres() ? System.getProperty("jpaserver.user", "postgres") : "sa");
            dataSource.setPassword("");
            dataSource.setMaximumPoolSize(20);
            return dataSource;
        }

        @Bean
        public LocalContainerEntityManagerFactoryBean entityManagerFactory(ConfigurableListableBeanFactory beans,
                FhirContext fhirContext, JpaStorageSettings storageSettings) {
            LocalContainerEntityManagerFactoryBean factory =
                    HapiEntityManagerFactoryUtil.newEntityManagerFactory(beans, fhirContext, storageSettings);
            factory.setPersistenceUnitName("PU_HapiFhirJpaR4");
            factory.setDataSource(dataSource());
            Properties jpa = new Properties();
            jpa.put("hibernate.dialect", database.postgres()
                    ? HapiFhirPostgresDialect.class.getName() : HapiFhirH2Dialect.class.getName());
            jpa.put("hibernate.hbm2ddl.auto", "update");
            jpa.put("hibernate.format_sql", "false");
            jpa.put("hibernate.show_sql", "false");
            jpa.put("hibernate.search.enabled", "false");
            factory.setJpaProperties(jpa);
            return factory;
        }

        @Bean
        @Primary
        public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
            return new JpaTransactionManager(entityManagerFactory);
        }

        @Bean
        public JpaStorageSettings storageSettings(ServerMode mode) {
            JpaStorageSettings settings = new JpaStorageSettings();
            if (mode.restricted()) {
                // an EHR assigns every id: a PUT to an id it does not hold is refused, not a create
                settings.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.NOT_ALLOWED);
                // and resolves only literal references: "Patient?identifier=..." in a body is HAPI's extension
                settings.setAllowInlineMatchUrlReferences(false);
            }
            // like a hospital EHR: references must resolve, nothing is created behind the client's back
            settings.setEnforceReferentialIntegrityOnWrite(true);
            settings.setAutoCreatePlaceholderReferenceTargets(false);
            // tests count right after writing: never answer a search from a cached earlier result
            settings.setReuseCachedSearchResultsForMillis(null);
            return settings;
        }

        @Bean
        public PartitionSettings partitionSettings() {
            return new PartitionSettings();
        }

        @Bean
        public SubscriptionSettings subscriptionSettings() {
            return new SubscriptionSettings();
        }

        @Bean
        public IBinaryStorageSvc binaryStorage() {
            return new MemoryBinaryStorageSvcImpl();
        }
    }
}
