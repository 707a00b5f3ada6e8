package io.bdt.explorer.index;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The explorer's database: a connection pool on a JDBC URL (embedded H2 or PostgreSQL) whose schema
 * Flyway brings to the newest migration ({@code db/migration/V*.sql}) on open.
 */
public final class IndexDatabase implements AutoCloseable {

  private final HikariDataSource pool;

  /** Opens {@code url} (creating an embedded H2 file if it names one) and migrates it. */
  public IndexDatabase(String url, Optional<String> user, Optional<String> password, int poolSize) {
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "bdt.explorer.db.url: " + url + " is neither jdbc:h2:... nor jdbc:postgresql:...");
    }
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    // named, not looked up in DriverManager, whose class-loader checks fail under Quarkus tests
    c.setDriverClassName(url.startsWith("jdbc:h2:") ? "org.h2.Driver" : "org.postgresql.Driver");
    user.ifPresent(c::setUsername);
    password.ifPresent(c::setPassword);
    c.setMaximumPoolSize(poolSize);
    c.setPoolName("explorer-index");
    this.pool = new HikariDataSource(c);
    try {
      Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  @Override
  public void close() {
    pool.close();
  }
}
