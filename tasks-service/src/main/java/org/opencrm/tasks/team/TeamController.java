package org.opencrm.tasks.team;

import jakarta.validation.Valid;
import java.util.List;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.ETags;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/teams")
class TeamController {

    private final TeamService service;

    TeamController(TeamService service) {
        this.service = service;
    }

    @PutMapping("/{departmentId}")
    ResponseEntity<TeamView> put(
            @PathVariable String departmentId,
            @Valid @RequestBody TeamRequest request,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            CurrentUser user) {
        var team = service.put(user, departmentId, request, ifMatch);
        return ResponseEntity.ok().eTag(ETags.of(team.getVersion())).body(TeamView.of(team));
    }

    @GetMapping("/{departmentId}")
    ResponseEntity<TeamView> get(@PathVariable String departmentId, CurrentUser user) {
        var team = service.get(user, departmentId);
        return ResponseEntity.ok().eTag(ETags.of(team.getVersion())).body(TeamView.of(team));
    }

    @GetMapping
    List<TeamView> list(CurrentUser user) {
        return service.list(user).stream().map(TeamView::of).toList();
    }
}
