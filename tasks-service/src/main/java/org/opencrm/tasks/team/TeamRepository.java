package org.opencrm.tasks.team;

import java.util.List;
import org.springframework.data.mongodb.repository.MongoRepository;

public interface TeamRepository extends MongoRepository<Team, String> {

    List<Team> findByTenantIdOrderByName(String tenantId);
}
