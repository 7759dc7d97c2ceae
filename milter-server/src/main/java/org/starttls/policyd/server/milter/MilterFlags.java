package org.starttls.policyd.server.milter;

/**
 * The bit masks of option negotiation (libmilter {@code mfdef.h}): what the filter may do to a
 * message ({@code SMFIF_*}), which steps the MTA may leave out or need no reply for
 * ({@code SMFIP_*}), and the stages a v6 filter can ask macros for ({@code SMFIM_*}).
 */
final class MilterFlags {
    /** The protocol version we speak; higher offers are answered with this one. */
    public static final int MAX_VERSION = 6;
    /** libmilter's {@code SMFI_PROT_VERSION_MIN}: older MTAs are refused. */
    public static final int MIN_VERSION = 2;
    /** From version 6 on the optneg reply may carry macro requests. */
    public static final int MACRO_REQUEST_VERSION = 6;

    /** SMFIF_ADDHDRS: the filter may add headers. */
    public static final int ACTION_ADD_HEADERS = 0x01;
    /** SMFIF_SETSYMLIST: the filter may say which macros it wants (v6). */
    public static final int ACTION_SET_SYMBOL_LIST = 0x100;

    public static final int NO_CONNECT = 0x1;
    public static final int NO_HELO = 0x2;
    public static final int NO_MAIL = 0x4;
    public static final int NO_RCPT = 0x8;
    public static final int NO_BODY = 0x10;
    public static final int NO_HEADERS = 0x20;
    public static final int NO_EOH = 0x40;
    public static final int NR_HEADER = 0x80;
    public static final int NO_UNKNOWN = 0x100;
    public static final int NO_DATA = 0x200;
    public static final int NR_CONNECT = 0x1000;
    public static final int NR_HELO = 0x2000;
    public static final int NR_MAIL = 0x4000;
    public static final int NR_RCPT = 0x8000;
    public static final int NR_DATA = 0x10000;
    public static final int NR_UNKNOWN = 0x20000;
    public static final int NR_EOH = 0x40000;
    public static final int NR_BODY = 0x80000;

    /** SMFIM_ENVRCPT: the macro stage of RCPT, as numbered in a v6 macro request. */
    public static final int MACRO_STAGE_ENVRCPT = 3;

    private MilterFlags() {
    }
}
