package org.starttls.policyd.server.doors;

import static org.starttls.policyd.server.testing.LineClient.netstring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.core.engine.TestingDomains;
import org.starttls.policyd.server.admin.AdminActions;
import org.starttls.policyd.server.admin.AdminProtocol;
import org.starttls.policyd.server.milter.MilterProtocol;
import org.starttls.policyd.server.milter.MilterServer;
import org.starttls.policyd.server.milter.MilterSettings;
import org.starttls.policyd.server.policy.PolicyResponder;
import org.starttls.policyd.server.policy.PolicyServiceProtocol;
import org.starttls.policyd.server.policy.PolicyServiceServer;
import org.starttls.policyd.server.policy.PolicyServiceSettings;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;
import org.starttls.policyd.server.socketmap.SocketmapMaps;
import org.starttls.policyd.server.socketmap.SocketmapProtocol;
import org.starttls.policyd.server.socketmap.SocketmapResponder;
import org.starttls.policyd.server.socketmap.SocketmapServer;
import org.starttls.policyd.server.testing.Golden;
import org.starttls.policyd.server.testing.TestLists;
import org.starttls.policyd.server.transport.ProtocolPipeline;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * Every door as the daemon builds it (its protocol on its production transport settings), with
 * what the contract tests need: its golden dialogue, a request it answers the same way each time
 * on a kept connection, and the start of a request that never finishes.
 */
enum Door {
    SOCKETMAP(SocketmapServer.NAME, TransportSettings.DEFAULTS, "socketmap", "", new byte[0], new byte[0],
            bytes(netstring("sts example.com")), bytes(netstring("NOTFOUND ")), bytes("15:sts exam")) {
        @Override
        ProtocolPipeline protocol() {
            // The maps the socketmap golden dialogue was written for.
            SocketmapMaps maps = new SocketmapMaps(TestLists.effEngine(), SocketmapMapSettings.DEFAULTS, Map.of(
                    "early", SocketmapMapSettings.DEFAULTS.withEngineSettings(
                            EngineSettings.DEFAULTS.withTestingDomains(TestingDomains.ENFORCE)),
                    "legacy", SocketmapMapSettings.DEFAULTS.withServername(false)));
            return new SocketmapProtocol(new SocketmapResponder(maps));
        }
    },
    POLICY(PolicyServiceServer.NAME, TransportSettings.DEFAULTS, "policy", "\n", new byte[0], new byte[0],
            bytes("request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=u@example.com\n\n"),
            bytes("action=DUNNO\n\n"), bytes("request=smtpd_access_policy\nprotocol_st")) {
        @Override
        ProtocolPipeline protocol() {
            return new PolicyServiceProtocol(new PolicyResponder(downgradeOnComcast(TestLists.effEngine()),
                    PolicyServiceSettings.DEFAULTS.withTagHeader(true)));
        }
    },
    MILTER(MilterServer.NAME, MilterServer.TRANSPORT_DEFAULTS, "milter", "",
            frame('O', ints(6, 0x1ff, 0x1fffff)), ByteBuffer.allocate(17).putInt(0x37).put((byte) 'O')
                    .put(ints(6, 0x100, 0xf73f3)).array(),
            frame('R', bytes("<c@example.com>\0")), frame('c', new byte[0]),
            Arrays.copyOf(frame('R', bytes("<c@example.com>\0")), 6)) {
        @Override
        ProtocolPipeline protocol() {
            return new MilterProtocol(downgradeOnComcast(TestLists.effEngine()), MilterSettings.DEFAULTS, null);
        }

        @Override
        int openingReplyBytes() {
            return 4 + 0x37; // the optneg reply with its macro list
        }
    },
    ADMIN(AdminProtocol.NAME, AdminProtocol.TRANSPORT, "admin", "\n", new byte[0], new byte[0],
            bytes("status\n"), bytes("{\"state\":\"running\"}\n"), bytes("sta")) {
        @Override
        ProtocolPipeline protocol() {
            return new AdminProtocol(new StandInActions());
        }
    };

    final String name;
    final TransportSettings transport;
    private final String goldenPackage;
    private final String goldenLineEnding;
    /** Sent once on a new connection before requests (the milter's option negotiation), and the start of its answer. */
    final byte[] opening;
    final byte[] openingReplyStart;
    final byte[] request;
    final byte[] reply;
    final byte[] unfinishedRequest;

    Door(String name, TransportSettings transport, String goldenPackage, String goldenLineEnding, byte[] opening,
            byte[] openingReplyStart, byte[] request, byte[] reply, byte[] unfinishedRequest) {
        this.name = name;
        this.transport = transport;
        this.goldenPackage = goldenPackage;
        this.goldenLineEnding = goldenLineEnding;
        this.opening = opening;
        this.openingReplyStart = openingReplyStart;
        this.request = request;
        this.reply = reply;
        this.unfinishedRequest = unfinishedRequest;
    }

    abstract ProtocolPipeline protocol();

    /** How many bytes answer {@link #opening}. */
    int openingReplyBytes() {
        return 0;
    }

    Golden golden() {
        return Golden.load(Door.class, "/org/starttls/policyd/server/" + goldenPackage + "/golden-dialogue.txt",
                goldenLineEnding);
    }

    /** The receipt-time decider the policy and milter golden dialogues were written for. */
    static ReceiptDecider downgradeOnComcast(PolicyEngine engine) {
        return domain -> {
            Decision decision = engine.decide(domain);
            return decision.domain().equals("comcast.net")
                    ? decision.underDowngrade("STARTTLS was stripped on the path to its MX") : decision;
        };
    }

    /** The daemon's side of the admin endpoint, reduced to fixed answers. */
    private static final class StandInActions implements AdminActions {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public ObjectNode status() {
            return JSON.createObjectNode().put("state", "running");
        }

        @Override
        public CompletableFuture<ObjectNode> reload() {
            return CompletableFuture.completedFuture(JSON.createObjectNode().put("reloaded", true));
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] ints(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length);
        for (int v : values) {
            buffer.putInt(v);
        }
        return buffer.array();
    }

    /** A milter frame: length (counting the command byte), command, data. */
    static byte[] frame(char command, byte[] data) {
        return ByteBuffer.allocate(5 + data.length).putInt(data.length + 1).put((byte) command).put(data).array();
    }
}
