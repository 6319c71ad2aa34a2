package dev.updater.sidecar.overlap;

import java.util.List;

/**
 * The classic BPF programs attached to a port's reuse-port group ({@code SO_ATTACH_REUSEPORT_CBPF});
 * each returns the index of the group member that gets a new connection. Members are indexed in the
 * order they listened, and when one leaves, the last moves into its slot. Through a duplicate of A's
 * socket A holds index 0 and B, which listened second, index 1; when the sidecar sits in the group with
 * a socket of its own (see {@link Steering}), that socket is 1 and B 2 until the cut-over. An index
 * outside the group makes the kernel fall back to its hash, so a program that names B is harmless while
 * B is not there yet and after A has left.
 *
 * <p>For a reuse-port program the kernel has pulled the packet past the TCP header, so offsets from 0
 * are payload (empty in a SYN); {@code SKF_NET_OFF} addresses from the IP header instead. Proven in
 * {@code bench/overlap-spike}.
 */
final class SteeringProgram {
    /** {@code SKF_NET_OFF}: loads relative to the network (IP) header. */
    private static final int NET = -0x100000;
    private static final int IPV6_HEADER = 40;

    // opcodes: class | size | mode (linux/filter.h)
    private static final short LDB_ABS = 0x30;   // BPF_LD | BPF_B | BPF_ABS
    private static final short RSH_K = 0x74;     // BPF_ALU | BPF_RSH | BPF_K
    private static final short JEQ_K = 0x15;     // BPF_JMP | BPF_JEQ | BPF_K
    private static final short LDX_MSH = 0xb1;   // BPF_LDX | BPF_B | BPF_MSH: X = 4 * (byte & 0xf)
    private static final short JA = 0x05;        // BPF_JMP | BPF_JA
    private static final short LDX_IMM = 0x01;   // BPF_LDX | BPF_W | BPF_IMM
    private static final short LDH_IND = 0x48;   // BPF_LD | BPF_H | BPF_IND: A = u16 at X + k
    private static final short JGE_K = 0x35;     // BPF_JMP | BPF_JGE | BPF_K
    private static final short JGT_K = 0x25;     // BPF_JMP | BPF_JGT | BPF_K
    private static final short RET_K = 0x06;     // BPF_RET | BPF_K

    /** One {@code struct sock_filter}. */
    record Instruction(short code, byte jt, byte jf, int k) {
        static Instruction of(int code, int jt, int jf, int k) {
            return new Instruction((short) code, (byte) jt, (byte) jf, k);
        }
    }

    private SteeringProgram() {
    }

    /**
     * Connections from {@code probe} source ports to index {@code newHost} (B), every other one to index 0
     * (A). The IP version is read first: a dual-stack {@code ::} listener sees IPv4 clients with an IPv4
     * header.
     */
    static List<Instruction> probeToNewHost(ProbePorts probe, int newHost) {
        return List.of(
                Instruction.of(LDB_ABS, 0, 0, NET),                 // 0: A = first byte of the IP header
                Instruction.of(RSH_K, 0, 0, 4),                     // 1: A = IP version
                Instruction.of(JEQ_K, 2, 0, 6),                     // 2: IPv6 → 5
                Instruction.of(LDX_MSH, 0, 0, NET),                 // 3: X = IPv4 header length
                Instruction.of(JA, 0, 0, 1),                        // 4: → 6
                Instruction.of(LDX_IMM, 0, 0, IPV6_HEADER),         // 5: X = 40
                Instruction.of(LDH_IND, 0, 0, NET),                 // 6: A = TCP source port
                Instruction.of(JGE_K, 0, 2, probe.first()),         // 7: below the range → 10
                Instruction.of(JGT_K, 1, 0, probe.last()),          // 8: above the range → 10
                Instruction.of(RET_K, 0, 0, newHost),               // 9: B
                Instruction.of(RET_K, 0, 0, 0));                    // 10: A
    }

    /** The cut-over: every new connection to index {@code newHost} (B). */
    static List<Instruction> everyConnectionToNewHost(int newHost) {
        return List.of(Instruction.of(RET_K, 0, 0, newHost));
    }

    /**
     * A socket filter ({@code SO_ATTACH_FILTER}) that keeps no packet: on the sidecar's own socket in a
     * group, a SYN the kernel hands it anyway (while a program left by the last update still names its
     * index, or by the hash when a named member is missing) is dropped before it can be queued, so the
     * client sends it again (after its 1 s SYN timeout) and the program then in force places it; nothing
     * ever waits in a queue nobody accepts from, to be reset when the sidecar closes the socket.
     */
    static List<Instruction> dropEverything() {
        return List.of(Instruction.of(RET_K, 0, 0, 0));
    }
}
