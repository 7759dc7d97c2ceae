-- Drives the policyd milter with Debian's miltertest (libmilter's test MTA).
-- Run by MiltertestTest with -D port=PORT. An uncaught error() makes miltertest exit 1 with no
-- message, so every check runs inside pcall and failures are printed before exiting 2.

local function check(condition, what)
    if not condition then
        error(what, 0)
    end
end

local ok, err = pcall(function()
    local conn = mt.connect("inet:" .. port .. "@127.0.0.1")
    check(conn ~= nil, "mt.connect failed")

    -- Sender; MAIL is answered with no reply when negotiated, so only success is checked.
    mt.macro(conn, SMFIC_MAIL, "i", "4AbCdE")
    check(mt.mailfrom(conn, "<sender@origin.example>") == nil, "mt.mailfrom failed")

    mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", "a@example.com")
    check(mt.rcptto(conn, "<a@example.com>", "NOTIFY=NEVER") == nil, "mt.rcptto(example.com) failed")
    check(mt.getreply(conn) == SMFIR_CONTINUE, "enforced domain: expected continue")

    check(mt.rcptto(conn, "<b@downgraded.example>") == nil, "mt.rcptto(downgraded.example) failed")
    check(mt.getreply(conn) == SMFIR_REPLYCODE, "downgraded domain: expected a reply code")

    check(mt.rcptto(conn, "<c@broken.example>") == nil, "mt.rcptto(broken.example) failed")
    check(mt.getreply(conn) == SMFIR_REPLYCODE, "tempfail verdict: expected a reply code")

    check(mt.rcptto(conn, "<d@unlisted.example>") == nil, "mt.rcptto(unlisted.example) failed")
    check(mt.getreply(conn) == SMFIR_CONTINUE, "unlisted domain: expected continue")

    check(mt.eom(conn) == nil, "mt.eom failed")
    check(mt.getreply(conn) == SMFIR_CONTINUE, "eom: expected continue")
    check(mt.eom_check(conn, MT_HDRADD, "X-STARTTLS-Policy",
            "example.com=enforce(match=.mx.example.com)"), "eom: expected the X-STARTTLS-Policy header")

    -- A second message on the same connection, aborted: nothing may carry over.
    check(mt.abort(conn) == nil, "mt.abort failed")
    check(mt.mailfrom(conn, "<sender@origin.example>") == nil, "second mt.mailfrom failed")
    check(mt.rcptto(conn, "<d@unlisted.example>") == nil, "second mt.rcptto failed")
    check(mt.getreply(conn) == SMFIR_CONTINUE, "second message: expected continue")
    check(mt.eom(conn) == nil, "second mt.eom failed")
    check(mt.getreply(conn) == SMFIR_CONTINUE, "second eom: expected continue")
    check(not mt.eom_check(conn, MT_HDRADD), "second message: no header expected")

    check(mt.disconnect(conn) == nil, "mt.disconnect failed")
end)

if ok then
    print("miltertest dialogue: PASS")
else
    print("miltertest dialogue: FAIL: " .. tostring(err))
    os.exit(2)
end
