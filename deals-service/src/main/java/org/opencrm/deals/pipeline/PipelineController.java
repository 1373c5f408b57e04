package org.opencrm.deals.pipeline;

import jakarta.validation.Valid;
import java.util.List;
import org.opencrm.deals.pipeline.PipelineRequests.PipelineRequest;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.ETags;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/pipelines")
class PipelineController {

    private final PipelineService service;

    PipelineController(PipelineService service) {
        this.service = service;
    }

    @GetMapping
    List<PipelineView> list(CurrentUser user) {
        return service.all(user.tenantId()).stream().map(PipelineView::of).toList();
    }

    @GetMapping("/{id}")
    ResponseEntity<PipelineView> get(@PathVariable String id, CurrentUser user) {
        return view(HttpStatus.OK, service.get(user.tenantId(), id));
    }

    @PostMapping
    ResponseEntity<PipelineView> create(@Valid @RequestBody PipelineRequest request, CurrentUser user) {
        return view(HttpStatus.CREATED, service.create(request, user));
    }

    @PutMapping("/{id}")
    ResponseEntity<PipelineView> replace(
            @PathVariable String id,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody PipelineRequest request,
            CurrentUser user) {
        return view(HttpStatus.OK, service.replace(id, ifMatch, request, user));
    }

    private static ResponseEntity<PipelineView> view(HttpStatus status, Pipeline pipeline) {
        return ResponseEntity.status(status).eTag(ETags.of(pipeline.version())).body(PipelineView.of(pipeline));
    }
}
