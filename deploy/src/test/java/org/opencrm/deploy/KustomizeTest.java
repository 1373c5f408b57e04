package org.opencrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tests' own rendering of kustomizations does what kubectl kustomize does, and refuses what it cannot
 * prove: a patch that would silently do nothing, or a kustomization feature it does not implement.
 */
class KustomizeTest {

    @TempDir
    Path dir;

    static final String BASE = """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - app.yaml
            """;

    static final String APP = """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: app
            spec:
              minReplicas: 2
              maxReplicas: 6
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app
            spec:
              template:
                spec:
                  containers:
                    - name: app
                      image: opencrm/app:0.1.0
            """;

    void write(String file, String text) {
        try {
            Files.createDirectories(dir.resolve(file).getParent());
            Files.writeString(dir.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void overlay(String kustomization, String patch) {
        write("base/kustomization.yaml", BASE);
        write("base/app.yaml", APP);
        write("overlay/kustomization.yaml", kustomization);
        write("overlay/patch.yaml", patch);
    }

    @Test
    void appliesNamespaceImagesAndPatchesToTheTargetsOnly() {
        overlay("""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: crm
                resources:
                  - ../base
                images:
                  - name: opencrm/app
                    newName: registry.example.com/opencrm/app
                    newTag: 1.2.3
                patches:
                  - path: patch.yaml
                    target:
                      kind: HorizontalPodAutoscaler
                """, """
                - op: replace
                  path: /spec/maxReplicas
                  value: 12
                """);
        var resources = Kustomize.build(dir.resolve("overlay"));
        assertThat(resources)
                .hasSize(2)
                .allMatch(r -> r.at("/metadata/namespace").asText().equals("crm"));
        assertThat(resources.get(0).at("/spec/maxReplicas").asInt()).isEqualTo(12);
        assertThat(resources.get(1).at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo("registry.example.com/opencrm/app:1.2.3");
    }

    @Test
    void aPatchReplacingAPathThatDoesNotExistFails() {
        overlay("""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../base
                patches:
                  - path: patch.yaml
                    target:
                      kind: HorizontalPodAutoscaler
                """, """
                - op: replace
                  path: /spec/maxReplica
                  value: 12
                """);
        assertThatThrownBy(() -> Kustomize.build(dir.resolve("overlay"))).hasMessageContaining("/spec/maxReplica");
    }

    @Test
    void aPatchOrImageMatchingNothingFails() {
        overlay("""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../base
                patches:
                  - path: patch.yaml
                    target:
                      kind: HorizontalPodAutoscaler
                      name: other
                """, "- op: remove\n  path: /spec/minReplicas\n");
        assertThatThrownBy(() -> Kustomize.build(dir.resolve("overlay"))).hasMessageContaining("matches no resource");
        write("overlay/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../base
                images:
                  - name: opencrm/typo
                    newTag: 1.2.3
                """);
        assertThatThrownBy(() -> Kustomize.build(dir.resolve("overlay"))).hasMessageContaining("opencrm/typo");
    }

    @Test
    void aKustomizationFeatureTheRendererDoesNotImplementFails() {
        overlay("""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../base
                commonLabels:
                  team: crm
                """, "[]");
        assertThatThrownBy(() -> Kustomize.build(dir.resolve("overlay")))
                .rootCause()
                .hasMessageContaining("commonLabels");
    }
}
