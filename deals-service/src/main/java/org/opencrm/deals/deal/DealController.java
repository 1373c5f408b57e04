package org.opencrm.deals.deal;

import jakarta.validation.Valid;
import java.util.List;
import org.opencrm.deals.deal.DealQueries.Board;
import org.opencrm.deals.deal.DealQueries.DealPage;
import org.opencrm.deals.deal.DealQueries.Filter;
import org.opencrm.deals.deal.DealRequests.CloseRequest;
import org.opencrm.deals.deal.DealRequests.CreateDealRequest;
import org.opencrm.deals.deal.DealRequests.ItemsRequest;
import org.opencrm.deals.deal.DealRequests.ReopenRequest;
import org.opencrm.deals.deal.DealRequests.StageChangeRequest;
import org.opencrm.deals.deal.DealRequests.UpdateDealRequest;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.ETags;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class DealController {

    private final DealService service;
    private final DealQueries queries;

    DealController(DealService service, DealQueries queries) {
        this.service = service;
        this.queries = queries;
    }

    @PostMapping("/api/deals")
    ResponseEntity<DealView> create(@Valid @RequestBody CreateDealRequest request, CurrentUser user) {
        return view(HttpStatus.CREATED, service.create(request, user));
    }

    @GetMapping("/api/deals/{id}")
    ResponseEntity<DealView> get(@PathVariable String id, CurrentUser user) {
        return view(HttpStatus.OK, service.load(id, user));
    }

    @GetMapping("/api/deals")
    DealPage list(
            @RequestParam(required = false) String pipelineId,
            @RequestParam(required = false) String stage,
            @RequestParam(required = false) String ownerId,
            @RequestParam(required = false) String contactId,
            @RequestParam(defaultValue = "false") boolean idle,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer size,
            CurrentUser user) {
        return queries.list(new Filter(pipelineId, stage, ownerId, contactId, idle, q), cursor, size, user);
    }

    @PatchMapping("/api/deals/{id}")
    ResponseEntity<DealView> update(
            @PathVariable String id,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody UpdateDealRequest request,
            CurrentUser user) {
        return view(HttpStatus.OK, service.update(id, ifMatch, request, user));
    }

    @PostMapping("/api/deals/{id}/stage")
    ResponseEntity<DealView> changeStage(
            @PathVariable String id,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody StageChangeRequest request,
            CurrentUser user) {
        return view(HttpStatus.OK, service.changeStage(id, ifMatch, request, user));
    }

    @PostMapping("/api/deals/{id}/reopen")
    ResponseEntity<DealView> reopen(
            @PathVariable String id,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody ReopenRequest request,
            CurrentUser user) {
        return view(HttpStatus.OK, service.reopen(id, ifMatch, request, user));
    }

    @PostMapping("/api/deals/{id}/close")
    ResponseEntity<DealView> close(
            @PathVariable String id,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody CloseRequest request,
            CurrentUser user) {
        return view(HttpStatus.OK, service.close(id, ifMatch, request, user));
    }

    @PutMapping("/api/deals/{id}/items")
    ResponseEntity<DealView> replaceItems(
            @PathVariable String id,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody ItemsRequest request,
            CurrentUser user) {
        return view(HttpStatus.OK, service.replaceItems(id, ifMatch, request, user));
    }

    @GetMapping("/api/deals/{id}/history")
    List<HistoryEntry> history(@PathVariable String id, CurrentUser user) {
        return service.load(id, user).history();
    }

    @GetMapping("/api/pipelines/{id}/board")
    Board board(@PathVariable String id, CurrentUser user) {
        return queries.board(id, user);
    }

    private ResponseEntity<DealView> view(HttpStatus status, Deal deal) {
        return ResponseEntity.status(status)
                .eTag(ETags.of(deal.getVersion()))
                .body(DealView.of(deal, service.pipelineOf(deal)));
    }
}
