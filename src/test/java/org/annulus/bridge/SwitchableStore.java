package org.annulus.bridge;

import java.io.Closeable;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.annulus.bridge.intake.BrokerIntakeProperties;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * What the broker tests add to the H2 flow context: a store the test can switch off (a DataSource that
 * refuses connections, as an unreachable database does, without touching any database server), and the
 * run's own queues deleted when the context closes.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SwitchableStore {

    @Bean
    static BeanPostProcessor switchableDataSource() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof DataSource ds && !(bean instanceof Switch) ? new Switch(ds) : bean;
            }
        };
    }

    @Bean
    DisposableBean deleteRunQueues(AmqpAdmin admin, BrokerIntakeProperties broker) {
        // Runs after Camel stopped its consumer (lifecycle stop comes before bean destruction).
        return () -> {
            admin.deleteQueue(broker.queue());
            admin.deleteQueue(broker.rejectedQueue());
        };
    }

    /** The application's DataSource, with an off switch. */
    public static final class Switch extends DelegatingDataSource implements Closeable {

        private final AtomicBoolean down = new AtomicBoolean();
        /** Connections still granted before the switch goes down by itself; negative: no limit. */
        private final java.util.concurrent.atomic.AtomicInteger granted =
                new java.util.concurrent.atomic.AtomicInteger(-1);

        private volatile StackTraceElement[] firstRefusal;

        public Switch(DataSource target) {
            super(target);
        }

        public void down() {
            down.set(true);
        }

        public void up() {
            granted.set(-1);
            down.set(false);
            firstRefusal = null;
        }

        /** Grants {@code connections} more connections, then refuses: the store breaks mid-way through a task. */
        public void downAfter(int connections) {
            granted.set(connections);
        }

        /** Where the first refused connection was asked for since the last {@link #up}, or empty. */
        public java.util.List<StackTraceElement> firstRefusal() {
            StackTraceElement[] at = firstRefusal;
            return at == null ? java.util.List.of() : java.util.List.of(at);
        }

        @Override
        public Connection getConnection() throws SQLException {
            refuseWhileDown();
            return super.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            refuseWhileDown();
            return super.getConnection(username, password);
        }

        private void refuseWhileDown() throws SQLException {
            if (granted.get() >= 0 && granted.getAndDecrement() <= 0) {
                down.set(true);
            }
            if (down.get()) {
                if (firstRefusal == null) {
                    firstRefusal = new Throwable().getStackTrace();
                }
                throw new SQLTransientConnectionException("the test switched the store off", "08001");
            }
        }

        @Override
        public void close() throws IOException {
            if (getTargetDataSource() instanceof Closeable pool) {
                pool.close();
            }
        }
    }
}
