#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes the seed corpora under tests/fuzz/corpus/<harness>/.

The seeds are small hand-built inputs in each harness's input layout (see
the comment at the top of each fuzz_*.c). Run it again after changing a
layout; the output is deterministic, so the committed files only change
when this script does.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = 4096


def write(harness, name, blob):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(blob)


def desc(off8, len8, ptype=6, flags=0, trans=1):
    return struct.pack("<HHHHQ", ptype, off8, len8, flags, trans)


def ring(write_idx, read_idx, ops, data=b"", raw=False, mask=0, pending=0):
    # ops: list of (kind, arg16, arg8)
    head = bytes([1 if raw else 0])
    head += struct.pack("<IIII", write_idx, read_idx, mask, pending)
    head += bytes([(len(ops) - 1) % 16])
    body = b"".join(bytes([k]) + struct.pack("<H", a16) + bytes([a8])
                    for k, a16, a8 in ops)
    return head + body + data


SPACE, PEEK, COPY, READ, WRITE, SKIP = 0, 1, 2, 3, 5, 6


def packet(payload_len, off8=2, start=0):
    body = desc(off8, (16 + payload_len + 7) // 8) + bytes(range(payload_len))
    body += bytes(-len(body) % 8)
    return body + struct.pack("<Q", start << 32)


def ring_seeds():
    h = "fuzz_ring_read"
    write(h, "empty", ring(0, 0, [(PEEK, 0, 0), (READ, 64, 0), (SPACE, 0, 0)]))
    pkt = packet(16)
    write(h, "one_packet", ring(len(pkt), 0,
                                [(PEEK, 0, 0), (COPY, 0, 2), (READ, 64, 0),
                                 (SPACE, 0, 0)], pkt))
    write(h, "skip_then_read", ring(len(pkt) * 2, 0,
                                    [(SKIP, 0, 0), (PEEK, 0, 0), (READ, 64, 0),
                                     (SKIP, 0, 0)], pkt + pkt,
                                    pending=DATA - 2 * len(pkt)))
    write(h, "small_buffer", ring(len(pkt), 0,
                                  [(READ, 8, 0), (READ, 32, 0), (READ, 40, 0)],
                                  pkt))
    two = packet(8) + packet(40, start=32)
    write(h, "two_packets_pending", ring(len(two), 0,
                                         [(READ, 64, 0), (READ, 64, 0),
                                          (PEEK, 0, 0)], two,
                                         pending=DATA - len(two)))
    # A packet that wraps: it starts 16 bytes before the end of the data.
    pkt = packet(24, start=DATA - 16)
    data = bytearray(DATA)
    for i, b in enumerate(pkt):
        data[(DATA - 16 + i) % DATA] = b
    write(h, "wrapped_packet", ring((DATA - 16 + len(pkt)) % DATA, DATA - 16,
                                    [(PEEK, 0, 0), (COPY, 8, 3), (READ, 100, 0)],
                                    bytes(data).rstrip(b"\0")))
    write(h, "lying_offset8", ring(40, 0, [(PEEK, 0, 0), (READ, 64, 0)],
                                   packet(16, off8=1)))
    write(h, "lying_len8", ring(40, 0, [(PEEK, 0, 0), (READ, 64, 0)],
                                desc(2, 0x200) + bytes(24)))
    write(h, "corrupt_indices", ring(0xfffffff8, 4,
                                     [(SPACE, 0, 0), (PEEK, 0, 0), (READ, 64, 0),
                                      (WRITE, 30, 0xaa), (COPY, 0, 1)], raw=True))
    write(h, "writes_until_full", ring(0, 0, [(WRITE, 699, 0x11)] * 8 +
                                       [(READ, 800, 0xfd)]))
    write(h, "masked_writer", ring(0, 0, [(WRITE, 20, 1), (WRITE, 20, 0xfd)],
                                   mask=1))


def chanmsg_seeds():
    h = "fuzz_chanmsg"
    hdr = lambda t: struct.pack("<II", t, 0)
    offer = hdr(1) + bytes(range(16)) + bytes(16) + bytes(16) + bytes(124 + 4)
    offer += struct.pack("<IBBHI", 14, 3, 1, 0, 0x2000e)
    assert len(offer) == 196
    write(h, "offer", offer)
    write(h, "offer_bad_relid", offer[:184] + struct.pack("<I", 2048) + offer[188:])
    write(h, "rescind", hdr(2) + struct.pack("<I", 14))
    write(h, "alloffers_delivered", hdr(4))
    write(h, "open_result", hdr(6) + struct.pack("<III", 14, 1, 0))
    write(h, "gpadl_created", hdr(10) + struct.pack("<III", 14, 0xe1e10, 0))
    write(h, "version_response", hdr(15) + struct.pack("<BBHI", 1, 0, 0, 4))
    write(h, "guest_initiate_contact", hdr(14) + bytes(32))
    write(h, "too_short", b"\x0f\x00\x00")


def gpadl_seeds():
    h = "fuzz_gpadl"
    for n, idx, flags in [(1, 0, 0), (26, 0, 0), (27, 1, 0), (55, 2, 0),
                          (8190, 292, 0), (8191, 0, 1), (0, 0, 0),
                          (100, 0xffffffff, 2)]:
        write(h, "n%u_idx%u" % (n, idx),
              struct.pack("<IIIIIB", n, idx, 7, 0xe1e10, n * 4096, flags))


def ic_seeds():
    h = "fuzz_ic"

    def neg(fws, msgs, extra=b""):
        hdr = struct.pack("<II", 0, 0)                       # pipe header
        ic = struct.pack("<HHHHHHIBBH", 3, 0, 0, 3, 0, 0, 0, 0, 3, 0)
        body = struct.pack("<HHI", len(fws), len(msgs), 0)
        for major, minor in fws + msgs:
            body += struct.pack("<HH", major, minor)
        return hdr + ic + body + extra

    write(h, "hyperv_2016", neg([(1, 0), (3, 0)], [(1, 0), (3, 0), (4, 0)]))
    write(h, "ws2008", neg([(1, 0)], [(1, 0)]))
    write(h, "no_common", neg([(2, 0)], [(9, 0)]))
    write(h, "counts_too_big", neg([(3, 0)], [(4, 0)])[:-4])
    write(h, "padded", neg([(3, 0)], [(3, 0)], bytes(4)))
    write(h, "headers_only", neg([], [])[:28])


# Sizes of the host's KVP, VSS and file copy bodies (modules/include/hvlis/
# ic_proto.h, whose static_asserts pin them) and the lengths the relay
# harnesses are run with (-max_len in the Makefile): a whole request of the
# largest kind, so mutations are not confined to the rejection path.
IC_BODY_OFFSET = 28
KVP_KEY_BYTES, KVP_VALUE_BYTES = 512, 2048
KVP_VALUE_SIZE = 12 + KVP_KEY_BYTES + KVP_VALUE_BYTES    # 2572
KVP_MSG_BODY = 4 + KVP_VALUE_SIZE + 4                    # 2580
KVP_ADAPTER_UNITS, KVP_IP_UNITS, KVP_GW_UNITS = 128, 1024, 512
KVP_IP_BODY = 2 + 2 * KVP_ADAPTER_UNITS + 2 + 2 * (3 * KVP_IP_UNITS + KVP_GW_UNITS)  # 7428
VSS_BODY = 12
FCOPY_HDR, FCOPY_PATH_UNITS, FCOPY_FRAGMENT = 36, 260, 6 * 1024
FCOPY_START_BODY = FCOPY_HDR + 4 * FCOPY_PATH_UNITS + 4 + 8      # 1088
FCOPY_DATA_HEAD = FCOPY_HDR + 4 + 8 + 4                          # 52
FCOPY_DATA_BODY = FCOPY_DATA_HEAD + FCOPY_FRAGMENT               # 6196
MAX_LEN = {
    "fuzz_relay_kvp": IC_BODY_OFFSET + KVP_IP_BODY + 8,
    "fuzz_relay_vss": IC_BODY_OFFSET + VSS_BODY + 24,
    "fuzz_relay_fcopy": IC_BODY_OFFSET + FCOPY_DATA_BODY + 8,
}


def ic_request(msgtype, body):
    hdr = struct.pack("<II", 0, 20 + len(body))
    ic = struct.pack("<HHHHHHIBBH", 3, 0, msgtype, 4, 0, len(body), 0, 0, 3, 0)
    return hdr + ic + body


def u16s(text, units):
    raw = (text + "\0").encode("utf-16-le")
    return raw + bytes(2 * units - len(raw))


def relay_seeds():
    h = "fuzz_relay_kvp"

    def kvp_value(vtype, key, value):
        k = (key + "\0").encode("utf-16-le")
        if vtype == 1:
            v = (value + "\0").encode("utf-16-le")
            vsize = len(v)
        else:
            v = struct.pack("<Q", value)
            vsize = 4 if vtype == 4 else 8
        return (struct.pack("<III", vtype, len(k), vsize) + k + bytes(KVP_KEY_BYTES - len(k))
                + v + bytes(KVP_VALUE_BYTES - len(v)))

    def kvp(op, pool, body):
        body = struct.pack("<BBH", op, pool, 0) + body
        return ic_request(2, body + bytes(KVP_MSG_BODY - len(body)))

    write(h, "set_sz", kvp(1, 0, kvp_value(1, "gr\u00fc\u00dfe", "one two")))
    write(h, "set_u32", kvp(1, 1, kvp_value(4, "n32", 4000000000)))
    write(h, "set_u64", kvp(1, 1, kvp_value(8, "n64", 2 ** 64 - 1)))
    write(h, "get", kvp(0, 3, kvp_value(1, "alpha", "")))
    write(h, "delete", kvp(2, 0, struct.pack("<I", 12) + u16s("alpha", KVP_KEY_BYTES // 2)))
    write(h, "enumerate", kvp(3, 2, struct.pack("<I", 5)))
    write(h, "short", kvp(1, 0, b"")[:IC_BODY_OFFSET + 100])
    ip = (u16s("{guid}", KVP_ADAPTER_UNITS) + bytes([1, 0]) + u16s("192.0.2.8", KVP_IP_UNITS)
          + u16s("255.255.255.0", KVP_IP_UNITS) + u16s("192.0.2.1", KVP_GW_UNITS)
          + u16s("192.0.2.53", KVP_IP_UNITS))
    write(h, "set_ip_info", ic_request(2, struct.pack("<BB", 9, 0) + ip))
    write(h, "get_ip_info", ic_request(2, struct.pack("<BB", 8, 0) + ip))
    assert len(ic_request(2, struct.pack("<BB", 9, 0) + ip)) == IC_BODY_OFFSET + KVP_IP_BODY

    h = "fuzz_relay_vss"
    for op, name in [(5, "freeze"), (6, "thaw"), (2, "hot_backup"), (3, "get_dm_info"),
                     (4, "bu_complete")]:
        write(h, name, ic_request(5, struct.pack("<B7xI", op, 0xffffffff)))
    write(h, "short", ic_request(5, struct.pack("<B7x", 5)))

    h = "fuzz_relay_fcopy"
    start = (struct.pack("<I", 0) + bytes(32) + u16s("\u00e9t\u00e9.txt", FCOPY_PATH_UNITS)
             + u16s("/tmp/in", FCOPY_PATH_UNITS) + struct.pack("<IQ", 3, 10 << 20))
    assert len(start) == FCOPY_START_BODY
    write(h, "start", ic_request(7, start))
    data = struct.pack("<I32xIQI", 1, 0, 4096, 100) + bytes(range(100))
    write(h, "write", ic_request(7, data + bytes(FCOPY_DATA_BODY - len(data))))
    write(h, "write_short_packet", ic_request(7, data))
    write(h, "complete", ic_request(7, struct.pack("<I", 2) + bytes(32)))
    write(h, "cancel", ic_request(7, struct.pack("<I", 3) + bytes(32)))


# hvlis/vstor_proto.h sizes: the packet before and from WIN8, the sense
# buffers, and the harness's explicit maximum input (fuzz_storvsc.c).
VSTOR_PKT_PRE_WIN8, VSTOR_PKT_WIN8 = 48, 64
VSTOR_SENSE_PRE_WIN8, VSTOR_SENSE_WIN8 = 18, 20
STV_FUZZ_MAX = 256
COMPLETE_IO, ENUMERATE_BUS, REMOVE_DEVICE, FCHBA_DATA = 1, 11, 2, 12


def storvsc_seeds():
    h = "fuzz_storvsc"

    def sent(ver_idx, lun=0, xfer=4096, data_in=1):
        return struct.pack("<BBBBBI", ver_idx, 0, 0, lun, data_in, xfer)

    def vstor(op, status=0, body=b"", size=VSTOR_PKT_WIN8):
        pkt = struct.pack("<III", op, 0, status) + body
        return (pkt + bytes(size))[:size]

    def srb(srb_status, scsi_status=0, lun=0, moved=4096, sense=b""):
        b = struct.pack("<HBBBBBBBBBBI", 52, srb_status, scsi_status, 0, 0, 0, lun,
                        0, len(sense), 1, 0, moved)
        return b + (sense + bytes(20))[:20] + bytes(16)

    write(h, "success_win10", sent(0) + vstor(COMPLETE_IO, body=srb(1)))
    write(h, "success_ws2008", sent(4) + vstor(COMPLETE_IO, body=srb(1),
                                               size=VSTOR_PKT_PRE_WIN8))
    write(h, "underrun", sent(0) + vstor(COMPLETE_IO, body=srb(0x12, moved=512)))
    write(h, "check_condition_sense", sent(0) + vstor(
        COMPLETE_IO, body=srb(0x84, 2, sense=bytes([0x70, 0, 5] + [0] * 4 + [10] +
                                                    [0] * 4 + [0x24] + [0] * 5))))
    write(h, "sense_too_long", sent(0) + vstor(
        COMPLETE_IO, body=srb(0x84, 2, sense=bytes(VSTOR_SENSE_WIN8 + 1))))
    write(h, "sense_pre_win8_max", sent(3) + vstor(
        COMPLETE_IO, body=srb(0x84, 2, sense=bytes(VSTOR_SENSE_PRE_WIN8)),
        size=VSTOR_PKT_PRE_WIN8))
    write(h, "lying_length", sent(0) + vstor(COMPLETE_IO, body=srb(1, moved=1 << 20)))
    write(h, "other_lun", sent(0, lun=3) + vstor(COMPLETE_IO, body=srb(1, lun=4)))
    write(h, "invalid_lun", sent(0) + vstor(COMPLETE_IO, body=srb(0x20)))
    write(h, "short_completion", sent(0) + vstor(COMPLETE_IO, body=srb(1))[:40])
    props = struct.pack("<IHHIIQ", 0, 4, 0, 1, 1 << 20, 0)
    write(h, "properties", sent(0) + vstor(COMPLETE_IO, body=props))
    write(h, "properties_tiny_xfer", sent(0) + vstor(
        COMPLETE_IO, body=struct.pack("<IHHIIQ", 0, 4, 0, 1, 100, 0)))
    write(h, "version_refused", sent(0) + vstor(COMPLETE_IO, status=0xc0000059))
    write(h, "enumerate_bus", sent(0) + vstor(ENUMERATE_BUS, size=12))
    write(h, "remove_device", sent(0) + vstor(REMOVE_DEVICE))
    write(h, "fchba_data", sent(0) + vstor(FCHBA_DATA, body=bytes([1]) + bytes(range(35))))
    # FCHBA_DATA's answer: a completion with the names (primary active, or not)
    wwn = bytes([1, 0, 0, 0]) + bytes(range(1, 33))
    write(h, "fc_names_primary", sent(0) + vstor(COMPLETE_IO, body=wwn))
    write(h, "fc_names_secondary", sent(4) + vstor(COMPLETE_IO, body=bytes([0]) + wwn[1:],
                                                   size=VSTOR_PKT_PRE_WIN8))
    write(h, "fc_names_zero", sent(0) + vstor(COMPLETE_IO, body=bytes([1]) + bytes(35)))
    write(h, "oversized", sent(0) + bytes(range(256)) + bytes(STV_FUZZ_MAX - 256 + 8))
    write(h, "header_only", sent(0) + struct.pack("<III", COMPLETE_IO, 0, 0))


# fuzz_storvsc's input: 9 bytes of what was sent, then up to STV_FUZZ_MAX
# bytes of the host's packet (fuzz_storvsc.c cuts longer ones)
MAX_LEN["fuzz_storvsc"] = 9 + STV_FUZZ_MAX + 8


# hvlis/nvsp_proto.h and rndis_proto.h numbers, and fuzz_netvsc.c's explicit
# maximum input (a transfer-page packet of 562 ranges, cut at NVC_FUZZ_MAX).
NVC_FUZZ_MAX = 4608
NVSP_MSG = 40
NVSP_INIT_COMPLETE, NVSP_RECV_BUF_COMPLETE, NVSP_SEND_BUF_COMPLETE = 2, 102, 105
NVSP_RNDIS_PKT, NVSP_RNDIS_PKT_COMPLETE = 107, 108
RNDIS_PACKET, RNDIS_INIT_CMPLT, RNDIS_QUERY_CMPLT = 1, 0x80000002, 0x80000004
RNDIS_SET_CMPLT, RNDIS_INDICATE = 0x80000005, 7


def netvsc_seeds():
    h = "fuzz_netvsc"

    def nvsp(t, body=b""):
        return (struct.pack("<I", t) + body + bytes(NVSP_MSG))[:NVSP_MSG]

    write(h, "init_complete", b"\0" + nvsp(NVSP_INIT_COMPLETE, struct.pack("<III", 0, 0, 1)))
    write(h, "recv_buf_complete", b"\0" + nvsp(NVSP_RECV_BUF_COMPLETE,
                                               struct.pack("<IIIIII", 1, 1, 0, 1728, 600, 1728 * 600)))
    write(h, "recv_buf_wrapping", b"\0" + nvsp(NVSP_RECV_BUF_COMPLETE,
                                               struct.pack("<IIIIII", 1, 1, 0, 0x10000, 0x10001, 0x10000)))
    write(h, "send_buf_complete", b"\0" + nvsp(NVSP_SEND_BUF_COMPLETE, struct.pack("<II", 1, 6144)))
    write(h, "short_answer", b"\0" + struct.pack("<II", NVSP_RECV_BUF_COMPLETE, 1))

    def xfer(ranges, pageset=0xcafe):
        hdr_len = 24 + 8 * len(ranges)
        off8 = (hdr_len + 7) // 8
        body = nvsp(NVSP_RNDIS_PKT, struct.pack("<III", 0, 0xffffffff, 0))
        total = off8 * 8 + len(body)
        d = struct.pack("<HHHHQ", 7, off8, (total + 7) // 8, 1, 0x1234)
        pkt = d + struct.pack("<HBBI", pageset, 0, 0, len(ranges))
        for off, n in ranges:
            pkt += struct.pack("<II", n, off)
        pkt += bytes(off8 * 8 - len(pkt)) + body
        return b"\1" + pkt + bytes(-len(pkt) % 8)

    write(h, "xfer_one", xfer([(0, 100)]))
    write(h, "xfer_three", xfer([(0, 100), (1728, 1514), (3456, 60)]))
    write(h, "xfer_past_buffer", xfer([((1 << 20) - 10, 100)]))
    write(h, "xfer_wrapping", xfer([(0xffffff00, 0x200)]))
    write(h, "xfer_wrong_set", xfer([(0, 100)], pageset=1))
    write(h, "xfer_many", xfer([(i * 1728, 1728) for i in range(562)]))

    def rndis_data(frame, ppis=b"", data_off=None):
        ppi_off = 36
        off = 36 + len(ppis) if data_off is None else data_off
        n = 44 + len(ppis) + len(frame)
        return b"\2" + struct.pack("<IIIIIIIIIII", RNDIS_PACKET, n, off, len(frame), 0, 0, 0,
                                  ppi_off if ppis else 0, len(ppis), 0, 0) + ppis + frame

    def ppi(t, v):
        return struct.pack("<IIII", 16, t, 12, v)

    write(h, "data_plain", rndis_data(bytes(range(60))))
    write(h, "data_ppis", rndis_data(bytes(60), ppi(0, 0x11) + ppi(6, 0x22) + ppi(8, 0x33)))
    write(h, "data_ppi_zero_size", rndis_data(bytes(60), struct.pack("<IIII", 0, 0, 12, 0)))
    write(h, "data_offset_past_end", rndis_data(bytes(60), data_off=0xfffffff8))

    write(h, "init_cmplt", b"\3" + struct.pack("<IIIIIIIIIIIII", RNDIS_INIT_CMPLT, 52, 1, 0, 1, 0,
                                                1, 0, 8, 6144, 3, 0, 0))
    write(h, "query_cmplt_mac", b"\3" + struct.pack("<IIIIII", RNDIS_QUERY_CMPLT, 32, 2, 0, 6, 16)
          + bytes([0, 0x15, 0x5d, 0, 0, 0x42, 0, 0]))
    write(h, "query_cmplt_lying", b"\3" + struct.pack("<IIIIII", RNDIS_QUERY_CMPLT, 32, 2, 0, 600, 16)
          + bytes(8))
    write(h, "set_cmplt", b"\3" + struct.pack("<IIII", RNDIS_SET_CMPLT, 16, 3, 0))
    write(h, "indicate_disconnect", b"\3" + struct.pack("<IIIII", RNDIS_INDICATE, 20, 0x4001000c, 0, 0))

    # RSS capabilities (NDIS object type 0x88): revision 2 with the table size, 6.0 without
    write(h, "rss_caps", b"\4" + struct.pack("<BBHIIIH", 0x88, 2, 18, 0, 0, 4, 128))
    write(h, "rss_caps_6_0", b"\4" + struct.pack("<BBHIII", 0x88, 1, 16, 0, 0, 8))
    write(h, "rss_caps_zero_queues", b"\4" + struct.pack("<BBHIIIH", 0x88, 2, 18, 0, 0, 0, 128))

    # offload capabilities (NDIS object type 0xa7, revision 1, 112 bytes):
    # checksums, LSOv1, IPsec v1 (7 words), LSOv2 (7 words), flags
    def offload(size=112, lso_max=62780, minsg=2, ip6=True):
        csum4 = 0x150
        csum6 = 0x50 if ip6 else 0
        return b"\5" + struct.pack("<BBH", 0xa7, 1, size) + struct.pack(
            "<8I", 2, csum4, 2, csum4, 2, csum6, 2, csum6) + bytes(16) + bytes(28) + struct.pack(
            "<7I", 2, lso_max, minsg, 2 if ip6 else 0, lso_max, minsg, 0) + bytes(4)

    write(h, "offload_caps", offload())
    write(h, "offload_caps_ip4_only", offload(ip6=False))
    write(h, "offload_caps_size_lie", offload(size=0xffff))
    write(h, "offload_caps_lso_insane", offload(lso_max=0xffffffff, minsg=0xffffffff))
    write(h, "data_csum_failed_and_ok", rndis_data(bytes(60), ppi(0, 0x9)))
    # 802.1Q info (type 6): VLAN id 5, priority 3, CFI; two records; id 4095;
    # a record whose 2-byte value is cut short
    write(h, "data_vlan", rndis_data(bytes(60), ppi(6, 5 << 4 | 0x8 | 3)))
    write(h, "data_vlan_dup", rndis_data(bytes(60), ppi(6, 5 << 4) + ppi(6, 7 << 4)))
    write(h, "data_vlan_4095", rndis_data(bytes(60), ppi(6, 0xfff << 4)))
    write(h, "data_vlan_short", rndis_data(bytes(60), struct.pack("<IIIH", 14, 6, 12, 0x50)))


MAX_LEN["fuzz_netvsc"] = 1 + NVC_FUZZ_MAX + 8

# The other harnesses' explicit maximum inputs: fuzz_chanmsg one SynIC
# payload (hv_tlfs.h: 240 bytes) and 16 more, so oversized messages are
# tried; fuzz_gpadl its 21-byte layout; fuzz_ic an IC header and a
# negotiation listing 256 versions (more than any host lists); fuzz_ring_read
# its 18-byte head, 16 operations of 4 bytes and a whole 4 KiB data area.
SYNIC_PAYLOAD = 240
MAX_LEN["fuzz_chanmsg"] = SYNIC_PAYLOAD + 16
MAX_LEN["fuzz_gpadl"] = 21
MAX_LEN["fuzz_ic"] = IC_BODY_OFFSET + 8 + 4 * 256
MAX_LEN["fuzz_ring_read"] = 18 + 4 * 16 + DATA


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["max-len"]:
        for harness, n in MAX_LEN.items():
            print("%s:%d" % (harness, n))
        sys.exit(0)
    relay_seeds()
    storvsc_seeds()
    netvsc_seeds()
    ic_seeds()
    ring_seeds()
    chanmsg_seeds()
    gpadl_seeds()
