package org.opencrm.contacts.card;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
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

/** The tenant's appeal taxonomy. Retiring a topic keeps it for the history that used it. */
@RestController
@RequestMapping("/api/contacts/appeal-topics")
class AppealTopicController {

    record TopicRequest(@NotBlank @Size(max = 200) String label) {}

    record TopicView(String key, String label, boolean active) {}

    private final MongoTemplate mongo;

    AppealTopicController(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @GetMapping
    List<TopicView> list(CurrentUser user) {
        return mongo
                .find(new Query(where("tenantId").is(user.tenantId())).with(Sort.by("key")), AppealTopic.class)
                .stream()
                .map(t -> new TopicView(t.key(), t.label(), t.active()))
                .toList();
    }

    @PutMapping("/{key}")
    @PreAuthorize("hasRole('ADMIN')")
    TopicView put(
            @PathVariable @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,49}") String key,
            @Valid @RequestBody TopicRequest request,
            CurrentUser user) {
        var topic = mongo.save(
                new AppealTopic(AppealTopic.idOf(user.tenantId(), key), user.tenantId(), key, request.label(), true));
        return new TopicView(topic.key(), topic.label(), topic.active());
    }

    @DeleteMapping("/{key}")
    @PreAuthorize("hasRole('ADMIN')")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void retire(@PathVariable String key, CurrentUser user) {
        var topic = mongo.findById(AppealTopic.idOf(user.tenantId(), key), AppealTopic.class);
        if (topic == null) {
            throw NotFoundException.of("appeal topic", key);
        }
        mongo.save(new AppealTopic(topic.id(), topic.tenantId(), topic.key(), topic.label(), false));
    }
}
