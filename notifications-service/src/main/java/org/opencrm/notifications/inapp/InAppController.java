package org.opencrm.notifications.inapp;

import java.time.Clock;
import java.util.List;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.opencrm.platform.web.PageRequests;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The caller's own in-app notifications (tenant and user from the token): list, read, live stream. */
@RestController
@RequestMapping("/api/notifications")
class InAppController {

    private final InAppStore store;
    private final StreamHub hub;
    private final Clock clock;

    InAppController(InAppStore store, StreamHub hub, Clock clock) {
        this.store = store;
        this.hub = hub;
        this.clock = clock;
    }

    record ReadAllResult(long updated) {}

    @GetMapping
    List<NotificationView> list(
            @RequestParam(defaultValue = "false") boolean unread,
            @RequestParam(required = false) Integer page,
            @RequestParam(required = false) Integer size,
            CurrentUser user) {
        return store.list(user.tenantId(), user.userId(), unread, PageRequests.of(page, size)).stream()
                .map(NotificationView::of)
                .toList();
    }

    @PostMapping("/{id}/read")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void read(@PathVariable String id, CurrentUser user) {
        if (!store.markRead(user.tenantId(), user.userId(), id, clock.instant())) {
            throw NotFoundException.of("notification", id);
        }
    }

    @PostMapping("/read-all")
    ReadAllResult readAll(CurrentUser user) {
        return new ReadAllResult(store.markAllRead(user.tenantId(), user.userId(), clock.instant()));
    }

    /**
     * Server-Sent Events: each notification as event {@code notification} with its sequence number as id.
     * A reconnecting browser sends that id back as {@code Last-Event-ID} and gets what it missed.
     */
    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId, CurrentUser user) {
        Long after = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = Long.parseLong(lastEventId.trim());
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("Last-Event-ID", "must be an event id this stream sent");
            }
        }
        return hub.open(user.tenantId(), user.userId(), after);
    }
}
