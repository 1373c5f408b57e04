package org.opencrm.deals.deal;

import org.springframework.data.mongodb.repository.MongoRepository;

interface DealRepository extends MongoRepository<Deal, String> {}
