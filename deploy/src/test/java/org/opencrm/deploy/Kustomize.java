package org.opencrm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the features deploy/k8s uses: resources
 * (files and directories), namespace, images and JSON 6902 patches with a target. A kustomization using
 * anything else fails to read (no kustomize binary can be installed here, so the tests render it themselves).
 */
final class Kustomize {

    record Kustomization(
            String apiVersion,
            String kind,
            String namespace,
            List<String> resources,
            List<Image> images,
            List<Patch> patches) {}

    record Image(String name, String newName, String newTag) {}

    record Patch(String path, Target target) {}

    record Target(String kind, String name) {}

    record Operation(String op, String path, JsonNode value) {}

    private Kustomize() {}

    /** The resources of the kustomization in {@code dir}, in order, with its transformations applied. */
    static List<ObjectNode> build(Path dir) {
        Kustomization k = Repo.yaml(dir.resolve("kustomization.yaml"), Kustomization.class);
        if (!"Kustomization".equals(k.kind()) || !"kustomize.config.k8s.io/v1beta1".equals(k.apiVersion())) {
            throw new IllegalStateException(dir + ": not a kustomize.config.k8s.io/v1beta1 Kustomization");
        }
        List<ObjectNode> resources = new ArrayList<>();
        for (String resource : k.resources()) {
            Path path = dir.resolve(resource).normalize();
            if (Files.isDirectory(path)) {
                resources.addAll(build(path));
            } else {
                for (JsonNode document : Repo.yamlDocuments(path)) {
                    resources.add((ObjectNode) document);
                }
            }
        }
        if (k.patches() != null) {
            for (Patch patch : k.patches()) {
                List<Operation> operations =
                        List.of(Repo.YAML.convertValue(Repo.yaml(dir.resolve(patch.path())), Operation[].class));
                List<ObjectNode> targets = resources.stream()
                        .filter(r ->
                                r.path("kind").asText().equals(patch.target().kind()))
                        .filter(r -> patch.target().name() == null
                                || r.path("metadata")
                                        .path("name")
                                        .asText()
                                        .equals(patch.target().name()))
                        .toList();
                if (targets.isEmpty()) {
                    throw new IllegalStateException(dir + ": patch " + patch.path() + " matches no resource");
                }
                for (ObjectNode target : targets) {
                    for (Operation operation : operations) {
                        apply(target, operation, dir.resolve(patch.path()));
                    }
                }
            }
        }
        if (k.images() != null) {
            for (Image image : k.images()) {
                int replaced = 0;
                for (ObjectNode resource : resources) {
                    for (JsonNode container :
                            resource.path("spec").path("template").path("spec").path("containers")) {
                        String current = container.path("image").asText();
                        String name = current.contains(":") ? current.substring(0, current.lastIndexOf(':')) : current;
                        if (name.equals(image.name())) {
                            String tag = image.newTag() != null
                                    ? image.newTag()
                                    : current.substring(current.lastIndexOf(':') + 1);
                            ((ObjectNode) container)
                                    .put("image", (image.newName() != null ? image.newName() : name) + ":" + tag);
                            replaced++;
                        }
                    }
                }
                if (replaced == 0) {
                    throw new IllegalStateException(dir + ": image " + image.name() + " is used nowhere");
                }
            }
        }
        if (k.namespace() != null) {
            resources.forEach(r -> ((ObjectNode) r.path("metadata")).put("namespace", k.namespace()));
        }
        return resources;
    }

    /** RFC 6902 add, replace and remove; replace and remove need the path to exist, as in kustomize. */
    private static void apply(ObjectNode resource, Operation operation, Path file) {
        String[] tokens = operation.path().substring(1).split("/");
        JsonNode parent = resource;
        for (int i = 0; i < tokens.length - 1; i++) {
            parent = child(parent, unescape(tokens[i]));
            if (parent == null || parent.isMissingNode()) {
                throw new IllegalStateException(file + ": " + operation.path() + " does not exist in "
                        + resource.path("metadata").path("name").asText());
            }
        }
        String last = unescape(tokens[tokens.length - 1]);
        boolean exists = !child(parent, last).isMissingNode();
        switch (operation.op()) {
            case "add" -> set(parent, last, operation.value(), true);
            case "replace", "remove" -> {
                if (!exists) {
                    throw new IllegalStateException(file + ": " + operation.path() + " does not exist in "
                            + resource.path("metadata").path("name").asText());
                }
                if (operation.op().equals("replace")) {
                    set(parent, last, operation.value(), false);
                } else if (parent instanceof ObjectNode object) {
                    object.remove(last);
                } else {
                    ((ArrayNode) parent).remove(Integer.parseInt(last));
                }
            }
            default -> throw new IllegalStateException(file + ": unsupported op " + operation.op());
        }
    }

    private static JsonNode child(JsonNode node, String token) {
        if (node.isArray()) {
            return token.matches("\\d+")
                    ? node.path(Integer.parseInt(token))
                    : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return node.path(token);
    }

    private static void set(JsonNode parent, String token, JsonNode value, boolean insert) {
        JsonNode copy = value == null ? TextNode.valueOf("") : value.deepCopy();
        if (parent instanceof ObjectNode object) {
            object.set(token, copy);
        } else if (parent instanceof ArrayNode array) {
            if (token.equals("-")) {
                array.add(copy);
            } else if (insert) {
                array.insert(Integer.parseInt(token), copy);
            } else {
                array.set(Integer.parseInt(token), copy);
            }
        }
    }

    private static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }
}
