package org.opencrm.tasks.sla;

import java.util.List;
import org.opencrm.tasks.TasksProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Reads the due index every scan interval on every instance. The read touches only entries due now, so
 * its cost follows the number of tasks becoming due, not the number of open tasks.
 */
@Component
class DueScanner {

    private static final Logger log = LoggerFactory.getLogger(DueScanner.class);

    private final DueIndex index;
    private final Escalations escalations;
    private final DealCheck dealCheck;
    private final int batchSize;

    DueScanner(DueIndex index, Escalations escalations, DealCheck dealCheck, TasksProperties properties) {
        this.index = index;
        this.escalations = escalations;
        this.dealCheck = dealCheck;
        this.batchSize = properties.sla().batchSize();
    }

    @Scheduled(fixedDelayString = "${crm.tasks.sla.scan-interval:PT1S}")
    void scan() {
        for (TimerKind kind : List.of(TimerKind.DUE_SOON, TimerKind.OVERDUE, TimerKind.REASSIGN, TimerKind.NEXT_STEP)) {
            for (Timer timer : index.due(kind, batchSize)) {
                try {
                    boolean handled = kind == TimerKind.NEXT_STEP
                            ? dealCheck.checkNextStep(timer.tenantId(), timer.subject())
                            : escalations.fire(timer);
                    if (handled) {
                        index.done(timer);
                    }
                } catch (OptimisticLockingFailureException
                        | org.springframework.dao.DuplicateKeyException anotherInstanceWon) {
                    // Another instance changed the task at the same moment; the next scan sees its result.
                    log.debug("due entry {} raced with another writer", timer.id());
                } catch (RuntimeException e) {
                    log.warn("due entry {} failed; it stays for the next scan", timer.id(), e);
                }
            }
        }
    }
}
