package org.opencrm.platform.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * A service's {@code @WebMvcTest} slice gets the platform's security and problem handling too, so a
 * controller test sees the same 401s and 400s as production.
 */
@WebMvcTest(TestController.class)
class WebMvcSliceTest {

    @Autowired
    MockMvc mvc;

    @DynamicPropertySource
    static void jwt(DynamicPropertyRegistry registry) {
        TestJwts.springProperties().forEach((name, value) -> registry.add(name, () -> value));
    }

    @Test
    void aRequestWithoutATokenIsAProblem401() throws Exception {
        mvc.perform(get("/test/me"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(
                        jsonPath("$.type").value(ProblemType.UNAUTHORIZED.uri().toString()));
    }

    @Test
    void anUnknownPropertyIsAProblem400() throws Exception {
        mvc.perform(post("/test/widgets")
                        .header("Authorization", "Bearer " + TestJwts.user("u1").mint())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"w\",\"quantity\":1,\"id\":\"w-1\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value(ProblemType.VALIDATION.uri().toString()))
                .andExpect(jsonPath("$.errors[0].field").value("id"));
    }

    @Test
    void theCurrentUserIsResolvedFromTheToken() throws Exception {
        mvc.perform(get("/test/me")
                        .header(
                                "Authorization",
                                "Bearer " + TestJwts.user("u5").tenant("t5").mint()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.argument.tenantId").value("t5"));
    }
}
