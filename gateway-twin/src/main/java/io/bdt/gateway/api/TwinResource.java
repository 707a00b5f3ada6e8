package io.bdt.gateway.api;

import static io.bdt.contracts.auth.TwinGrant.Access.READ;
import static io.bdt.contracts.auth.TwinGrant.Access.WRITE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.bdt.contracts.auth.Roles;
import io.bdt.gateway.twin.InvalidTwinException;
import io.bdt.gateway.twin.Twin;
import io.bdt.gateway.twin.TwinCodec;
import io.bdt.gateway.twin.TwinEvent;
import io.bdt.gateway.twin.TwinRules;
import io.bdt.gateway.twin.TwinStore;
import io.bdt.gateway.twin.TwinUpdate;
import io.bdt.gateway.twin.query.InvalidQueryException;
import io.bdt.gateway.twin.query.TwinQueries;
import io.bdt.gateway.twin.query.TwinSearch;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * REST API of the twins: read, replace (PUT), merge-patch (PATCH), delete, search, history in a
 * time range, and a server-sent-event stream of every change. Thin: validates the request, calls
 * the store, maps rule violations to {@code 400} problem responses. Besides the roles, each call is
 * held to the caller's twin grants ({@link TwinGrantCheck}): refused with 403, or, for search and
 * the event stream, confined to the twins it may read.
 */
@Path("/twins")
@Produces(MediaType.APPLICATION_JSON)
public class TwinResource {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TwinStore store;
  private final TwinSearch search;
  private final MeterRegistry meters;
  private final TwinGrantCheck grants;
  private final BroadcastProcessor<TwinEvent> live = BroadcastProcessor.create();

  public TwinResource(TwinStore store, MeterRegistry meters, TwinGrantCheck grants) {
    this.store = store;
    this.search = new TwinSearch(store);
    this.meters = meters;
    this.grants = grants;
  }

  @PostConstruct
  void listen() {
    store.subscribe(live::onNext);
  }

  @RolesAllowed({Roles.TWIN_READER, Roles.TWIN_WRITER, Roles.OPERATOR})
  @GET
  @Path("/{thingId}")
  @Operation(summary = "The twin now")
  public Response get(@PathParam("thingId") String thingId) {
    return grants
        .refusal(READ, thingId)
        .orElseGet(
            () ->
                store
                    .get(thingId)
                    .map(t -> Response.ok(t.toJson()).build())
                    .orElseGet(() -> Problems.notFound("no twin " + thingId)));
  }

  @RolesAllowed({Roles.TWIN_WRITER, Roles.OPERATOR})
  @PUT
  @Path("/{thingId}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Create or replace a twin's attributes and features")
  public Response put(@PathParam("thingId") String thingId, JsonNode body) {
    Optional<Response> refused = grants.refusal(WRITE, thingId);
    if (refused.isPresent()) {
      return refused.get();
    }
    return write(thingId, new TwinUpdate.Replace(body == null ? JSON.nullNode() : body));
  }

  @RolesAllowed({Roles.TWIN_WRITER, Roles.OPERATOR})
  @PATCH
  @Path("/{thingId}")
  @Consumes({"application/merge-patch+json", MediaType.APPLICATION_JSON})
  @Operation(summary = "Merge-patch (RFC 7396) a twin's attributes and features")
  public Response patch(@PathParam("thingId") String thingId, JsonNode patch) {
    Optional<Response> refused = grants.refusal(WRITE, thingId);
    if (refused.isPresent()) {
      return refused.get();
    }
    if (store.get(thingId).isEmpty()) {
      return Problems.notFound("no twin " + thingId);
    }
    return write(thingId, new TwinUpdate.MergePatch(patch == null ? JSON.nullNode() : patch));
  }

  private Response write(String thingId, TwinUpdate update) {
    try {
      TwinEvent event = store.apply(thingId, update, true);
      Twin twin =
          switch (event) {
            case TwinEvent.Created c -> c.twin();
            case TwinEvent.Modified m -> m.twin();
            case TwinEvent.Deleted d -> throw new IllegalStateException("a write deleted a twin");
          };
      return Response.status(event instanceof TwinEvent.Created ? 201 : 200)
          .entity(twin.toJson())
          .build();
    } catch (InvalidTwinException e) {
      return Problems.badRequest(e.getMessage());
    }
  }

  @RolesAllowed({Roles.TWIN_WRITER, Roles.OPERATOR})
  @DELETE
  @Path("/{thingId}")
  @Operation(summary = "Delete a twin (its history stays)")
  public Response delete(@PathParam("thingId") String thingId) {
    Optional<Response> refused = grants.refusal(WRITE, thingId);
    if (refused.isPresent()) {
      return refused.get();
    }
    return store.delete(thingId).isPresent()
        ? Response.noContent().build()
        : Problems.notFound("no twin " + thingId);
  }

  @RolesAllowed({Roles.TWIN_READER, Roles.TWIN_WRITER, Roles.OPERATOR})
  @GET
  @Operation(
      summary =
          "Search twins: RQL filter (e.g. and(eq(attributes/site,\"a\"),gt(features/vibration/"
              + "properties/rms,0.5))), sort (e.g. -_modified), cursor paging; the next page's"
              + " cursor is in the X-Next-Cursor header")
  public Response search(
      @QueryParam("namespace") String namespace,
      @QueryParam("filter") List<String> filters,
      @QueryParam("sort") String sort,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    Optional<Response> refused = grants.searchRefusal(namespace);
    if (refused.isPresent()) {
      return refused.get();
    }
    TwinSearch.Page page;
    try {
      TwinSearch.Query query = TwinQueries.parse(namespace, filters, sort, cursor, limit);
      page = search.run(query, grants.readable(), null);
    } catch (InvalidQueryException e) {
      meters.counter("bdt_twin_search_rejected_total", "reason", e.reason()).increment();
      return Problems.badRequest(e.getMessage());
    }
    ArrayNode out = JSON.createArrayNode();
    page.items().forEach(t -> out.add(t.toJson()));
    Response.ResponseBuilder ok = Response.ok(out);
    if (page.nextCursor() != null) {
      ok.header("X-Next-Cursor", page.nextCursor());
    }
    return ok.build();
  }

  @RolesAllowed({Roles.TWIN_READER, Roles.TWIN_WRITER, Roles.OPERATOR})
  @GET
  @Path("/{thingId}/history")
  @Operation(summary = "A twin's events in [from, to] (ISO-8601 instants), oldest first")
  public Response history(
      @PathParam("thingId") String thingId,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("limit") @DefaultValue("1000") int limit) {
    try {
      TwinRules.requireThingId(thingId);
    } catch (InvalidTwinException e) {
      return Problems.badRequest(e.getMessage());
    }
    Optional<Response> refused = grants.refusal(READ, thingId);
    if (refused.isPresent()) {
      return refused.get();
    }
    Instant start;
    Instant end;
    try {
      start = from == null ? Instant.EPOCH : Instant.parse(from);
      end = to == null ? Instant.now().plusSeconds(1) : Instant.parse(to);
    } catch (DateTimeParseException e) {
      return Problems.badRequest("from and to must be ISO-8601 instants: " + e.getMessage());
    }
    if (limit < 1 || limit > 100_000) {
      return Problems.badRequest("limit must be in [1, 100000], got " + limit);
    }
    ArrayNode out = JSON.createArrayNode();
    store.history(thingId, start, end, limit).forEach(e -> out.add(TwinCodec.toJson(e)));
    return Response.ok(out).build();
  }

  @RolesAllowed({Roles.TWIN_READER, Roles.TWIN_WRITER, Roles.OPERATOR})
  @GET
  @Path("/events")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @RestStreamElementType(MediaType.APPLICATION_JSON)
  @Operation(
      summary =
          "Live stream of twin events (server-sent events, one JSON event each), of the twins the"
              + " caller's grants let it read")
  public Multi<String> events() {
    Predicate<String> readable = grants.readable();
    return live.select()
        .where(e -> readable.test(e.thingId()))
        .map(e -> TwinCodec.toJson(e).toString());
  }
}
