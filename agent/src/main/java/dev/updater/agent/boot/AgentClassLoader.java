package dev.updater.agent.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.security.SecureClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Loads the agent's code from the {@code inst/} entries of the agent jar, where the packer stored
 * every class as {@code inst/<binary/name>.classdata} and every resource as {@code inst/<name>}.
 * The host's system class loader sees neither: it has no idea {@code .classdata} is a class.
 *
 * <p>Delegation: a class whose package the jar holds is loaded only from the jar (never from the
 * parent, so a host that puts another Jackson on the boot class path cannot mix versions into the
 * agent); every other class goes to the parent, the platform class loader, which sees the JDK but
 * not the application class path. Resources are looked up in the jar first, then in the parent.
 *
 * <p>Multi-release: dependencies' {@code META-INF/versions/N/} entries are packed as
 * {@code inst/META-INF/versions/N/...}; a class or resource is read from the highest such
 * {@code N} not above the running JDK, else from its base entry, as {@link JarFile} does for a
 * multi-release jar (so jackson-core gets its JDK 17, 21 or 22 fast-double parser, as it would on
 * the class path).
 *
 * <p>Package versions: {@code inst/META-INF/MANIFEST.MF} has one section per package
 * ({@code Name: com/fasterxml/jackson/databind/}) with the attributes of the jar it came from, so
 * {@link Package#getImplementationVersion()} answers as it would on the class path.
 */
final class AgentClassLoader extends SecureClassLoader {
    static final String PREFIX = "inst/";
    static final String CLASS_SUFFIX = ".classdata";
    static final String MANIFEST = PREFIX + "META-INF/MANIFEST.MF";
    private static final String VERSIONS = PREFIX + "META-INF/versions/";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final CodeSource codeSource;
    /** Where to look for an entry, best first: {@code inst/META-INF/versions/N/} for N descending, then {@code inst/}. */
    private final List<String> lookupPrefixes;
    private final Set<String> packages;
    private final Manifest manifest;

    /**
     * Opens the agent jar for the running JDK. Reads its directory, so call it off the host's main
     * thread. Typed {@link ClassLoader}, not {@code AgentClassLoader}: the caller's class then
     * passes the verifier without loading this one, so the host's main thread, which links
     * {@link RuntimeLauncher} in {@code premain}, never loads it.
     */
    static ClassLoader open(Path agentJar) throws IOException {
        return new AgentClassLoader(agentJar, Runtime.version().feature());
    }

    AgentClassLoader(Path agentJar, int javaFeatureVersion) throws IOException {
        super("updater", ClassLoader.getPlatformClassLoader());
        // Opened as a plain jar: the multi-release lookup below is ours, under inst/.
        this.jar = new JarFile(agentJar.toFile(), false);
        URL location = agentJar.toUri().toURL();
        this.jarUrl = "jar:" + location.toExternalForm() + "!/";
        this.codeSource = new CodeSource(location, (CodeSigner[]) null);

        TreeSet<Integer> versions = new TreeSet<>(Collections.reverseOrder());
        Set<String> packageNames = new HashSet<>();
        for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
            String name = entries.nextElement().getName();
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String path = name.substring(PREFIX.length());
            if (name.startsWith(VERSIONS)) {
                String rest = name.substring(VERSIONS.length());
                int slash = rest.indexOf('/');
                Integer version = slash < 0 ? null : parseVersion(rest.substring(0, slash));
                if (version == null) {
                    continue;
                }
                if (version <= javaFeatureVersion) {
                    versions.add(version);
                }
                path = rest.substring(slash + 1);
            }
            int lastSlash = path.lastIndexOf('/');
            if (path.endsWith(CLASS_SUFFIX) && lastSlash > 0) {
                packageNames.add(path.substring(0, lastSlash).replace('/', '.'));
            }
        }
        List<String> prefixes = new ArrayList<>();
        for (int version : versions) {
            prefixes.add(VERSIONS + version + "/");
        }
        prefixes.add(PREFIX);
        this.lookupPrefixes = List.copyOf(prefixes);
        this.packages = Set.copyOf(packageNames);

        JarEntry manifestEntry = jar.getJarEntry(MANIFEST);
        if (manifestEntry == null) {
            this.manifest = null;
        } else {
            try (InputStream in = jar.getInputStream(manifestEntry)) {
                this.manifest = new Manifest(in);
            }
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                loaded = packages.contains(packageOf(name)) ? findClass(name) : getParent().loadClass(name);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String packageName = packageOf(name);
        JarEntry entry = packages.contains(packageName) ? entry(name.replace('.', '/') + CLASS_SUFFIX) : null;
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name + " (unreadable entry " + entry.getName() + " in " + jar.getName() + ")", e);
        }
        definePackageOnce(packageName);
        return defineClass(name, bytes, 0, bytes.length, codeSource);
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> urls = new ArrayList<>();
        URL own = findResource(name);
        if (own != null) {
            urls.add(own);
        }
        urls.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(urls);
    }

    /** Reads from the jar this loader holds open, not through a {@code jar:} URL that opens it again. */
    @Override
    public InputStream getResourceAsStream(String name) {
        JarEntry entry = resourceEntry(name);
        if (entry == null) {
            return getParent().getResourceAsStream(name);
        }
        try {
            return jar.getInputStream(entry);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    protected URL findResource(String name) {
        JarEntry entry = resourceEntry(name);
        return entry == null ? null : url(entry);
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(url));
    }

    /**
     * A resource {@code a/B.class} is the entry {@code a/B.classdata}, so tools that read class
     * files as resources (Byte Buddy's class file locators) find them; the stored names
     * {@code *.classdata} themselves are not resources.
     */
    private JarEntry resourceEntry(String name) {
        if (name.endsWith(CLASS_SUFFIX)) {
            return null;
        }
        String path = name.endsWith(".class")
                ? name.substring(0, name.length() - ".class".length()) + CLASS_SUFFIX
                : name;
        return entry(path);
    }

    /** The entry for {@code path} under {@code inst/}, multi-release aware except for {@code META-INF/} (as in {@link JarFile}). */
    private JarEntry entry(String path) {
        if (path.startsWith("META-INF/")) {
            return jar.getJarEntry(PREFIX + path);
        }
        for (String prefix : lookupPrefixes) {
            JarEntry entry = jar.getJarEntry(prefix + path);
            if (entry != null) {
                return entry;
            }
        }
        return null;
    }

    private URL url(JarEntry entry) {
        try {
            // Encodes what a URL path cannot hold (spaces, '%', non-ASCII) but keeps '/'.
            String path = new URI(null, null, entry.getName(), null).getRawPath();
            return URI.create(jarUrl + path).toURL();
        } catch (URISyntaxException | MalformedURLException e) {
            throw new UncheckedIOException(new IOException("Cannot form a URL for entry " + entry.getName()
                    + " of " + jar.getName(), e));
        }
    }

    private void definePackageOnce(String packageName) {
        Attributes attributes = manifest == null ? null : manifest.getAttributes(packageName.replace('.', '/') + "/");
        if (attributes == null || getDefinedPackage(packageName) != null) {
            return;
        }
        try {
            definePackage(packageName,
                    attributes.getValue(Attributes.Name.SPECIFICATION_TITLE),
                    attributes.getValue(Attributes.Name.SPECIFICATION_VERSION),
                    attributes.getValue(Attributes.Name.SPECIFICATION_VENDOR),
                    attributes.getValue(Attributes.Name.IMPLEMENTATION_TITLE),
                    attributes.getValue(Attributes.Name.IMPLEMENTATION_VERSION),
                    attributes.getValue(Attributes.Name.IMPLEMENTATION_VENDOR),
                    null);
        } catch (IllegalArgumentException definedMeanwhile) {
            // Another thread defined it first, from the same attributes.
        }
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    private static Integer parseVersion(String text) {
        try {
            int version = Integer.parseInt(text);
            return version >= 9 ? version : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
