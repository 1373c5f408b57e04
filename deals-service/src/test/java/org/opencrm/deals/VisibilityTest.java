package org.opencrm.deals;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A manager of another department sees none of a department's deals: not in the list, the board or by id. */
class VisibilityTest extends DealsTestSupport {

    @Test
    void aManagerOfAnotherDepartmentSeesNoneOfTheDealsInListBoardOrById() {
        String tenant = newTenant();
        String salesManager = manager(tenant, "m1", "sales");
        String unassignedBy = org.opencrm.testkit.jwt.TestJwts.user("h1")
                .tenant(tenant)
                .departments("sales")
                .roles("HEAD")
                .mint();
        String own = createDeal(
                salesManager, "{\"title\": \"Kitchen\", \"amount\": {\"amount\": 1000, \"currency\": \"EUR\"}}");
        // An integration (a web form) creates deals without an owner: every manager of the department sees them.
        String unassigned = createDeal(
                org.opencrm.testkit.jwt.TestJwts.user("web-form")
                        .tenant(tenant)
                        .roles("INTEGRATION")
                        .mint(),
                "{\"title\": \"Loft\", \"departmentId\": \"sales\", \"amount\": {\"amount\": 500, \"currency\": \"EUR\"}}");
        String pipelineId = read(get("/api/deals/" + own, salesManager), "$.pipelineId");
        String other = manager(tenant, "m9", "service");

        assertThat(get("/api/deals/" + own, other).statusCode()).isEqualTo(404);
        assertThat(get("/api/deals/" + unassigned, other).statusCode()).isEqualTo(404);
        assertThat(get("/api/deals/" + own + "/history", other).statusCode()).isEqualTo(404);
        assertThat(ids(get("/api/deals", other))).isEmpty();
        assertThat(ids(get("/api/deals?pipelineId=" + pipelineId, other))).isEmpty();
        var otherBoard = get("/api/pipelines/" + pipelineId + "/board", other);
        assertThat(otherBoard.statusCode()).isEqualTo(200);
        List<Integer> otherCounts = JsonPath.read(otherBoard.body(), "$.stages[*].count");
        assertThat(otherCounts).containsOnly(0);

        // The department's own people do see them, the head with the weighted sum.
        assertThat(ids(get("/api/deals", salesManager))).containsExactlyInAnyOrder(own, unassigned);
        var board = get("/api/pipelines/" + pipelineId + "/board", unassignedBy);
        assertThat(JsonPath.<Integer>read(board.body(), "$.stages[0].count")).isEqualTo(2);
        assertThat(decimal(board, "/stages/0/sums/0/amount")).isEqualTo("1500.00");
        assertThat(decimal(board, "/stages/0/sums/0/weighted")).isEqualTo("150.00");
        // Another tenant's admin sees nothing either.
        assertThat(get("/api/deals/" + own, admin(newTenant())).statusCode()).isEqualTo(404);
    }
}
