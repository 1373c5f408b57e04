package org.opencrm.deals.pipeline;

import java.util.List;
import org.springframework.data.mongodb.repository.MongoRepository;

interface PipelineRepository extends MongoRepository<Pipeline, String> {

    List<Pipeline> findByTenantIdOrderByCreatedAtAsc(String tenantId);
}
