package org.opencrm.notifications.routing;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.List;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The tenant's routing: each topic's rules, the default or the administrator's. */
@RestController
@RequestMapping("/api/notifications/routes")
class RouteController {

    private final Routes routes;
    private final Clock clock;

    RouteController(Routes routes, Clock clock) {
        this.routes = routes;
        this.clock = clock;
    }

    record RouteView(String topic, List<RouteRule> rules, boolean tenantDefined) {}

    record RouteRequest(@NotNull @Size(max = 20) List<@NotNull @Valid RouteRule> rules) {}

    @GetMapping
    List<RouteView> list(CurrentUser user) {
        return Routes.DEFAULTS.keySet().stream()
                .sorted()
                .map(topic -> view(user, topic))
                .toList();
    }

    @GetMapping("/{topic}")
    RouteView get(@PathVariable String topic, CurrentUser user) {
        return view(user, known(topic));
    }

    @PutMapping("/{topic}")
    @PreAuthorize("hasRole('ADMIN')")
    RouteView put(@PathVariable String topic, @Valid @RequestBody RouteRequest request, CurrentUser user) {
        known(topic);
        if (request.rules().stream().anyMatch(r -> r.channels().contains(NotificationChannel.WEBHOOK))) {
            throw new InvalidRequestException("rules[].channels", "WEBHOOK is subscribed through /api/webhooks");
        }
        routes.save(new Routes.TenantRoute(
                Routes.TenantRoute.idOf(user.tenantId(), topic),
                user.tenantId(),
                topic,
                request.rules(),
                user.userId(),
                clock.instant()));
        return view(user, topic);
    }

    @DeleteMapping("/{topic}")
    @PreAuthorize("hasRole('ADMIN')")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void reset(@PathVariable String topic, CurrentUser user) {
        routes.reset(user.tenantId(), known(topic));
    }

    private RouteView view(CurrentUser user, String topic) {
        var override = routes.override(user.tenantId(), topic);
        return new RouteView(
                topic,
                override.map(Routes.TenantRoute::rules).orElse(Routes.DEFAULTS.get(topic)),
                override.isPresent());
    }

    private static String known(String topic) {
        if (!Routes.DEFAULTS.containsKey(topic)) {
            throw new NotFoundException("No routable topic " + topic + ".");
        }
        return topic;
    }
}
