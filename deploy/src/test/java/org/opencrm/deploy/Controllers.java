package org.opencrm.deploy;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The request paths a module's controllers map, as Micrometer's {@code uri} tag shows them. */
final class Controllers {

    private static final Pattern CLASS_MAPPING =
            Pattern.compile("@RequestMapping\\(\\s*(?:(?:value|path)\\s*=\\s*)?\"([^\"]*)\"");
    private static final Pattern CLASS_DECLARATION =
            Pattern.compile("(?m)^(?:public\\s+|final\\s+|abstract\\s+)*class\\s");
    private static final Pattern METHOD_MAPPING = Pattern.compile(
            "@(?:Get|Post|Put|Patch|Delete)Mapping(?:\\(\\s*(?:(?:value|path)\\s*=\\s*)?(?:\"([^\"]*)\")?[^)]*\\))?");

    private Controllers() {}

    static Set<String> paths(String module) {
        Set<String> paths = new TreeSet<>();
        for (Path source : Repo.mainSources(module)) {
            String code = Repo.read(source);
            if (!code.contains("@RestController") && !code.contains("@Controller")) {
                continue;
            }
            var declaration = CLASS_DECLARATION.matcher(code);
            int classStart = declaration.find() ? declaration.start() : 0;
            var prefix = CLASS_MAPPING.matcher(code.substring(0, classStart));
            String base = prefix.find() ? prefix.group(1) : "";
            var method = METHOD_MAPPING.matcher(code.substring(classStart));
            while (method.find()) {
                paths.add(base + (method.group(1) == null ? "" : method.group(1)));
            }
        }
        return paths;
    }
}
