package io.bdt.explorer.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The pages' stable URLs. Each answers the same small HTML shell; its script ({@code
 * /app/explorer.js}, served by the app: no CDN) reads the path, fetches the page's JSON from {@code
 * /api/...} and renders it.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class PageResource {

  private static final String SHELL = read();

  private static String read() {
    try (InputStream in =
        PageResource.class.getResourceAsStream("/META-INF/resources/app/shell.html")) {
      if (in == null) {
        throw new IllegalStateException("shell.html missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @GET
  public String home() {
    return SHELL;
  }

  @GET
  @Path("/block/{n}")
  public String block() {
    return SHELL;
  }

  @GET
  @Path("/tx/{hash}")
  public String tx() {
    return SHELL;
  }

  @GET
  @Path("/address/{addr}")
  public String address() {
    return SHELL;
  }

  @GET
  @Path("/devices")
  public String devices() {
    return SHELL;
  }

  @GET
  @Path("/device/{id}")
  public String device() {
    return SHELL;
  }

  @GET
  @Path("/reputation")
  public String reputation() {
    return SHELL;
  }

  @GET
  @Path("/anchors")
  public String anchors() {
    return SHELL;
  }

  @GET
  @Path("/twin/{thingId}")
  public String twin() {
    return SHELL;
  }

  @GET
  @Path("/search")
  public String search() {
    return SHELL;
  }
}
