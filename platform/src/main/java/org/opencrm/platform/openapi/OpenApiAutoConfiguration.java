package org.opencrm.platform.openapi;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.opencrm.platform.security.CurrentUser;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Every service's OpenAPI document ({@code /v3/api-docs}, served by springdoc) names the service and says
 * that each operation takes a bearer JWT, so the gateway's merged document and its Swagger UI can send
 * tokens. The {@link CurrentUser} a controller takes is resolved from the token, never sent by a client, so it
 * is left out of the documented parameters (springdoc would otherwise list it as a required query object).
 */
@AutoConfiguration
@ConditionalOnClass(OpenAPI.class)
public class OpenApiAutoConfiguration {

    static final String BEARER = "bearer-jwt";

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(CurrentUser.class);
    }

    @Bean
    @ConditionalOnMissingBean
    OpenAPI crmOpenApi(Environment environment) {
        String service = environment.getProperty("spring.application.name", "service");
        return new OpenAPI()
                .info(new Info()
                        .title("CRM " + service)
                        .version(environment.getProperty("crm.api.version", "v1"))
                        .description("Errors are RFC 9457 problem responses (docs/errors.md); every operation "
                                + "needs a JWT whose tenant scopes what it sees (docs/security.md)."))
                .components(new Components()
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("JWT")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }
}
