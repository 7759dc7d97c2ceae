package org.starttls.policyd.server.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The load generator's command line. */
final class LoadOptions {
    static final String HELP = String.join("\n",
            "LoadGenerator: drives the socketmap, policy delegation and milter doors as Postfix does (N",
            "connections, one request or milter message outstanding on each, connections reused) and compares",
            "policyd with a trivial Netty server that answers every request with a fixed reply, in the same JVM,",
            "alternating, for several rounds. Prints requests (milter: messages) per second and p50/p99/p99.9",
            "latency per run, then medians and ratios. A milter message is MAIL, one or two RCPTs and end of",
            "message after one option negotiation per connection; policyd tags it with a header.",
            "",
            "Options:",
            "  --rounds N               rounds of every combination (default 3)",
            "  --connections LIST       connection counts, comma-separated (default 16,64)",
            "  --warmup-seconds S       warm-up before each measured run (default 1)",
            "  --seconds S              length of each measured run (default 3)",
            "  --lists LIST             in-process policyd lists: eff, million (default eff,million; 'none' for none)",
            "  --protocols LIST         socketmap, policy, milter (default socketmap,policy,milter)",
            "  --listed-percent P       share of requests (milter: recipients) for listed domains (default 50)",
            "  --server-threads N       I/O threads of policyd and of the baseline (default 2)",
            "  --client-threads N       I/O threads of the load client (default 1)",
            "  --map-name NAME          socketmap map name in requests (default policy)",
            "  --external-socketmap H:P also load a running policyd's socketmap door (loopback only)",
            "  --external-policy H:P    also load a running policyd's policy door (loopback only)",
            "  --help                   this text",
            "",
            "Domains for an external daemon are the EFF list's (listed) and synthetic unlisted ones.");

    int rounds = 3;
    List<Integer> connections = List.of(16, 64);
    Duration warmup = Duration.ofSeconds(1);
    Duration measure = Duration.ofSeconds(3);
    List<String> lists = List.of("eff", "million");
    List<WireProtocol> protocols = List.of(WireProtocol.SOCKETMAP, WireProtocol.POLICY, WireProtocol.MILTER);
    int listedPercent = 50;
    int serverThreads = 2;
    int clientThreads = 1;
    String mapName = "policy";
    InetSocketAddress externalSocketmap;
    InetSocketAddress externalPolicy;
    boolean help;

    static LoadOptions parse(String[] args) {
        LoadOptions options = new LoadOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                options.help = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value (see --help)");
            }
            String value = args[++i];
            switch (arg) {
                case "--rounds" -> options.rounds = positive(arg, value);
                case "--connections" -> options.connections = integers(arg, value);
                case "--warmup-seconds" -> options.warmup = seconds(arg, value);
                case "--seconds" -> options.measure = seconds(arg, value);
                case "--lists" -> options.lists = value.equals("none") ? List.of() : names(arg, value, "eff", "million");
                case "--protocols" -> options.protocols = names(arg, value, "socketmap", "policy", "milter").stream()
                        .map(name -> WireProtocol.valueOf(name.toUpperCase(java.util.Locale.ROOT))).toList();
                case "--listed-percent" -> {
                    options.listedPercent = Integer.parseInt(value);
                    if (options.listedPercent < 0 || options.listedPercent > 100) {
                        throw new IllegalArgumentException(arg + " must be 0..100");
                    }
                }
                case "--server-threads" -> options.serverThreads = positive(arg, value);
                case "--client-threads" -> options.clientThreads = positive(arg, value);
                case "--map-name" -> options.mapName = value;
                case "--external-socketmap" -> options.externalSocketmap = loopback(arg, value);
                case "--external-policy" -> options.externalPolicy = loopback(arg, value);
                default -> throw new IllegalArgumentException("unknown option " + arg + " (see --help)");
            }
        }
        return options;
    }

    private static int positive(String option, String value) {
        int number = Integer.parseInt(value);
        if (number < 1) {
            throw new IllegalArgumentException(option + " must be at least 1");
        }
        return number;
    }

    private static List<Integer> integers(String option, String value) {
        List<Integer> result = new ArrayList<>();
        for (String part : value.split(",")) {
            result.add(positive(option, part.strip()));
        }
        return List.copyOf(result);
    }

    private static Duration seconds(String option, String value) {
        double seconds = Double.parseDouble(value);
        if (!(seconds > 0) || seconds > 600) {
            throw new IllegalArgumentException(option + " must be more than 0 and at most 600");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static List<String> names(String option, String value, String... allowed) {
        List<String> result = new ArrayList<>();
        for (String part : value.split(",")) {
            String name = part.strip();
            if (!List.of(allowed).contains(name)) {
                throw new IllegalArgumentException(option + ": \"" + name + "\" is not one of " + List.of(allowed));
            }
            result.add(name);
        }
        return List.copyOf(result);
    }

    /** A load test sends traffic only to this machine. */
    private static InetSocketAddress loopback(String option, String value) {
        int colon = value.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException(option + ": expected HOST:PORT, got \"" + value + "\"");
        }
        String host = value.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(value.substring(colon + 1));
        try {
            InetAddress address = InetAddress.getByName(host);
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException(option + ": " + value + " is not a loopback address;"
                        + " the load generator only targets this machine");
            }
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + ": unknown host " + host, e);
        }
    }
}
