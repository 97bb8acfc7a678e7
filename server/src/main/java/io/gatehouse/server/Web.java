package io.gatehouse.server;

import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.Routes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** What a feature needs to put its routes on the running server. */
record Web(Routes routes, Authenticator auth, Links links, PrometheusMeterRegistry registry, int maxBody) {
}
