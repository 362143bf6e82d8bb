#!/usr/bin/env python3
"""Writes the hand-made seed corpora under fuzz/corpus/<target>/.

Everything here is our own: packets, hellos, logs and documents built from
the formats' specifications, in the input layouts of the fuzz targets (see
docs/FUZZING.md). Seeds cut from `rmmguard simulate` output are added by
--sim DIR (a folder written by `rmmguard simulate`). Certificates in
fuzz/corpus/x509/ were made once with openssl (see docs/FUZZING.md) and are
reused for the TLS seeds.

    python3 fuzz/make_seeds.py [--sim DIR] [--mbox FILE] [--evtx DIR]
"""

import argparse
import io
import json
import os
import shutil
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def chunk(data, direction=0, repeat=False):
    """One chunk of the fuzz targets' conversation layout."""
    control = direction | (2 if repeat else 0)
    return bytes([control]) + struct.pack("<H", len(data)) + data


# ---------------------------------------------------------------- packets


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(src, dst, proto, payload):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                         bytes(src), bytes(dst))
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def ipv6(src, dst, proto, payload):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), proto, 64, bytes(src),
                       bytes(dst)) + payload


def tcp(sport, dport, seq, flags, payload=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0) + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def ethernet(payload, ethertype=0x0800, vlan=None):
    frame = b"\x00\x11\x22\x33\x44\x55" + b"\x66\x77\x88\x99\xaa\xbb"
    if vlan is not None:
        frame += struct.pack("!HH", 0x8100, vlan)
    return frame + struct.pack("!H", ethertype) + payload


def sll(payload, ethertype=0x0800):
    return struct.pack("!HHH8sH", 0, 1, 6, b"\x00\x11\x22\x33\x44\x55\0\0", ethertype) + payload


def sll2(payload, ethertype=0x0800):
    return struct.pack("!HHIHBB8s", ethertype, 0, 2, 1, 0, 6, b"\x00\x11\x22\x33\x44\x55\0\0") + payload


CLIENT = [10, 0, 0, 7]
SERVER = [198, 51, 100, 20]
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def conversation(port, pieces):
    """Raw IPv4 packets of a TCP conversation: (direction, payload) pieces."""
    seq = [1000, 500000]
    ends = [((CLIENT, 49152), (SERVER, port)), ((SERVER, port), (CLIENT, 49152))]
    out = [
        ipv4(CLIENT, SERVER, 6, tcp(49152, port, seq[0], SYN)),
        ipv4(SERVER, CLIENT, 6, tcp(port, 49152, seq[1], SYN | ACK)),
        ipv4(CLIENT, SERVER, 6, tcp(49152, port, seq[0] + 1, ACK)),
    ]
    seq = [seq[0] + 1, seq[1] + 1]
    for direction, payload in pieces:
        (src, sport), (dst, dport) = ends[direction]
        out.append(ipv4(src, dst, 6, tcp(sport, dport, seq[direction], ACK | PSH, payload)))
        seq[direction] += len(payload)
    out.append(ipv4(CLIENT, SERVER, 6, tcp(49152, port, seq[0], FIN | ACK)))
    out.append(ipv4(SERVER, CLIENT, 6, tcp(port, 49152, seq[1], FIN | ACK)))
    return out


def pcap(link, packets, big_endian=False, nanos=False):
    e = ">" if big_endian else "<"
    magic = 0xA1B23C4D if nanos else 0xA1B2C3D4
    out = struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, 262144, link)
    for n, packet in enumerate(packets):
        out += struct.pack(e + "IIII", 1700000000 + n, 500 * n, len(packet), len(packet)) + packet
    return out


def pcapng(link, packets, big_endian=False):
    e = ">" if big_endian else "<"

    def block(kind, body):
        body += b"\0" * (-len(body) % 4)
        length = 12 + len(body)
        return struct.pack(e + "II", kind, length) + body + struct.pack(e + "I", length)

    def option(code, value):
        return struct.pack(e + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)

    shb = block(0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1)
                + option(4, b"rmmguard fuzz seed") + option(0, b""))
    idb = block(1, struct.pack(e + "HHI", link, 0, 262144) + option(9, b"\x09") + option(0, b""))
    out = shb + idb
    for n, packet in enumerate(packets):
        ticks = (1700000000 + n) * 1_000_000_000
        if n % 3 == 2:
            out += block(3, struct.pack(e + "I", len(packet)) + packet)  # simple packet block
        else:
            out += block(6, struct.pack(e + "IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF,
                                        len(packet), len(packet)) + packet)
    out += block(5, struct.pack(e + "III", 0, 0, 0))  # interface statistics
    return out


# ---------------------------------------------------------------- TLS


def u8_list(data):
    return bytes([len(data)]) + data


def u16_list(data):
    return struct.pack("!H", len(data)) + data


def u24(n):
    return struct.pack("!I", n)[1:]


def ext(kind, body):
    return struct.pack("!HH", kind, len(body)) + body


def client_hello(sni="relay-0a1b2c3d.net.anydesk.com", alpn=(b"h2", b"http/1.1"), quic=False,
                 grease=True):
    ciphers = [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0x009C, 0x002F]
    if grease:
        ciphers = [0x0A0A] + ciphers
    extensions = b""
    if grease:
        extensions += ext(0x1A1A, b"")
    if sni is not None:
        name = sni.encode()
        extensions += ext(0, u16_list(b"\x00" + u16_list(name)))
    extensions += ext(23, b"") + ext(0xFF01, b"\x00")
    extensions += ext(10, u16_list(struct.pack("!4H", 0x2A2A, 29, 23, 24)))
    extensions += ext(11, u8_list(b"\x00"))
    extensions += ext(35, b"")
    if alpn:
        extensions += ext(16, u16_list(b"".join(u8_list(a) for a in alpn)))
    extensions += ext(13, u16_list(struct.pack("!6H", 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501)))
    extensions += ext(51, u16_list(struct.pack("!HH", 29, 32) + b"\x11" * 32))
    extensions += ext(45, u8_list(b"\x01"))
    extensions += ext(43, u8_list(struct.pack("!3H", 0x3A3A, 0x0304, 0x0303)))
    if quic:
        extensions += ext(0x39, b"\x01\x04\x80\x00\x75\x30\x03\x02\x45\xc0")
    body = b"\x03\x03" + b"\x42" * 32 + u8_list(b"\x55" * 32)
    body += u16_list(b"".join(struct.pack("!H", c) for c in ciphers))
    body += u8_list(b"\x00") + u16_list(extensions)
    return b"\x01" + u24(len(body)) + body


def server_hello(tls13=False, alpn=None):
    extensions = b""
    if tls13:
        extensions += ext(43, b"\x03\x04") + ext(51, struct.pack("!HH", 29, 32) + b"\x22" * 32)
    else:
        extensions += ext(0xFF01, b"\x00") + ext(11, u8_list(b"\x00"))
    if alpn:
        extensions += ext(16, u16_list(u8_list(alpn)))
    body = b"\x03\x03" + b"\x33" * 32 + u8_list(b"\x55" * 32 if tls13 else b"")
    body += struct.pack("!HB", 0x1301 if tls13 else 0xC02F, 0) + u16_list(extensions)
    return b"\x02" + u24(len(body)) + body


def certificate_message(der):
    entry = u24(len(der)) + der
    body = u24(len(entry)) + entry
    return b"\x0b" + u24(len(body)) + body


def record(kind, payload, version=0x0303):
    return struct.pack("!BHH", kind, version, len(payload)) + payload


# ---------------------------------------------------------------- DNS


def dns_name(name):
    return b"".join(u8_list(label.encode()) for label in name.split(".")) + b"\0"


def dns_query(ident, name, qtype=1):
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + dns_name(name) + struct.pack("!HH", qtype, 1)


def dns_response(ident, name, answers):
    out = struct.pack("!HHHHHH", ident, 0x8180, 1, len(answers), 0, 0)
    out += dns_name(name) + struct.pack("!HH", 1, 1)
    for kind, data in answers:
        out += b"\xc0\x0c" + struct.pack("!HHIH", kind, 1, 300, len(data)) + data
    return out


# ---------------------------------------------------------------- QUIC


def quic_crypto_frames(hello, split=None):
    """CRYPTO frames (type 6, varint offset and length) carrying `hello`."""
    def varint(n):
        if n < 64:
            return bytes([n])
        if n < 16384:
            return struct.pack("!H", 0x4000 | n)
        return struct.pack("!I", 0x80000000 | n)

    if split is None:
        return [b"\x06" + varint(0) + varint(len(hello)) + hello]
    first, second = hello[:split], hello[split:]
    return [b"\x06" + varint(split) + varint(len(second)) + second + b"\x01",
            b"\x02\x00\x00\x00\x00" + b"\x06" + varint(0) + varint(len(first)) + first]


# ---------------------------------------------------------------- documents


def pdf(text_ops, compress=False, uri=None):
    objects = []
    content = text_ops.encode()
    if compress:
        stream = zlib.compress(content)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
    else:
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    annots = b""
    if uri:
        objects.append(b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 20] /A << /S /URI /URI (%s) >> >>" % uri.encode())
        annots = b" /Annots [%d 0 R]" % (len(objects))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    font = len(objects)
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents 1 0 R "
                   b"/Resources << /Font << /F1 %d 0 R >> >>%s >>" % (len(objects) + 2, font, annots))
    page = len(objects)
    objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    pages = len(objects)
    objects.append(b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    root = len(objects)
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return out


def docx(paragraphs, link=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        rels = ""
        if link:
            rels = ('<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
                    'Target="%s" TargetMode="External"/>' % link)
        z.writestr("word/_rels/document.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>' % rels)
        body = "".join('<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % p for p in paragraphs)
        if link:
            body += '<w:p><w:hyperlink r:id="rId9"><w:r><w:t>Download</w:t></w:r></w:hyperlink></w:p>'
        z.writestr("word/document.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>%s</w:body></w:document>' % body)
    return buffer.getvalue()


# ---------------------------------------------------------------- seeds


def network_seeds():
    certs = {}
    x509_dir = os.path.join(CORPUS, "x509")
    for name in sorted(os.listdir(x509_dir)) if os.path.isdir(x509_dir) else []:
        with open(os.path.join(x509_dir, name), "rb") as f:
            certs[name] = f.read()
    cert = certs.get("anynet-relay.der", b"")

    # TLS: a TLS 1.2 handshake with a certificate; a TLS 1.3 one; a hello
    # split over two segments and retransmitted; a HelloRetryRequest.
    hello = record(22, client_hello(), 0x0301)
    server12 = record(22, server_hello(alpn=b"h2") + certificate_message(cert) + b"\x0e\x00\x00\x00")
    write("tls", "tls12-certificate", chunk(hello) + chunk(server12, 1))
    server13 = record(22, server_hello(tls13=True)) + record(20, b"\x01") + record(23, b"\x00" * 40)
    write("tls", "tls13", chunk(record(22, client_hello(sni=None, alpn=(b"anydesk/8.0.8/windows",)), 0x0301))
          + chunk(server13, 1))
    write("tls", "split-retransmit", chunk(hello[:40]) + chunk(hello[40:], 0, True) + chunk(server12, 1))
    retry_random = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")
    hrr = bytearray(server_hello(tls13=True))
    hrr[6:38] = retry_random
    write("tls", "hello-retry", chunk(hello) + chunk(record(22, bytes(hrr)) + record(20, b"\x01"), 1)
          + chunk(record(22, client_hello(grease=False), 0x0303)) + chunk(server13, 1))

    for name, der in certs.items():
        pass  # the x509 seeds are the certificates themselves

    # DNS over UDP and TCP.
    query = dns_query(0x1234, "relay-0a1b2c3d.net.anydesk.com")
    answer = dns_response(0x1234, "relay-0a1b2c3d.net.anydesk.com",
                          [(5, dns_name("anydesk.com")), (1, bytes([203, 0, 113, 9])),
                           (28, bytes(15) + b"\x01"), (16, u8_list(b"v=spf1 -all"))])
    write("dns", "udp-query-answer", b"\x00" + chunk(query) + chunk(answer, 1))
    write("dns", "tcp-query-answer", b"\x01" + chunk(u16_list(query)) + chunk(u16_list(answer), 1))
    write("dns", "udp-unanswered", b"\x00" + chunk(dns_query(7, "myhelpcare.online", 28)))

    # HTTP: a download with a file name, a chunked response, pipelining.
    request = (b"GET /download/AnyDesk.exe?id=7 HTTP/1.1\r\nHost: download.anydesk.com\r\n"
               b"User-Agent: Mozilla/5.0\r\nAccept: */*\r\n\r\n")
    response = (b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 64\r\n"
                b"Content-Disposition: attachment; filename=\"AnyDesk.exe\"\r\n\r\nMZ" + b"\x90" * 62)
    write("http", "download", chunk(request) + chunk(response, 1))
    chunked = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-msdownload\r\n\r\n"
               b"4\r\nMZ\x90\x00\r\n0\r\n\r\n")
    post = b"POST /api HTTP/1.1\r\nHost: 247secure.us\r\nContent-Length: 5\r\n\r\nhello"
    write("http", "pipelined-chunked", chunk(request + post) + chunk(chunked, 1)
          + chunk(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 1))

    # QUIC: one Initial with the whole ClientHello, and one split in two
    # out-of-order packets; a raw (unencrypted) long-header datagram.
    quic_hello = client_hello(sni="www.example.com", alpn=(b"h3",), quic=True)
    dcid = bytes(range(8))
    frames = quic_crypto_frames(quic_hello)
    write("quic", "v1-initial", b"\x00" + bytes([len(dcid)]) + dcid + chunk(frames[0] + b"\x00" * 20))
    split = quic_crypto_frames(quic_hello, 100)
    write("quic", "v2-split", b"\x01" + bytes([len(dcid)]) + dcid + chunk(split[0]) + chunk(split[1]))
    raw = b"\xc3\x00\x00\x00\x01\x08" + dcid + b"\x00\x00\x41\x00" + b"\x00" * 260
    write("quic", "draft29-and-raw", b"\x02" + bytes([4]) + b"\xaa\xbb\xcc\xdd"
          + chunk(frames[0]) + chunk(raw, 1))

    # Remote-access tells: selector = port index (+0x80 for UDP).
    write("tells", "rfb", b"\x00" + chunk(b"RFB 003.008\n", 1) + chunk(b"RFB 003.008\n") + chunk(b"\x01\x02", 1))
    cookie = b"\x03\x00\x00\x00\x00\xe0\x00\x00\x00\x00\x00Cookie: mstshash=alice\r\n\x01\x00\x08\x00\x03\x00\x00\x00"
    cookie = cookie[:2] + struct.pack("!H", len(cookie)) + bytes([len(cookie) - 5]) + cookie[5:]
    write("tells", "rdp-cookie", b"\x06" + chunk(cookie) + chunk(b"\x03\x00\x00\x13\x0e\xd0\x00\x00\x124\x00\x02\x1f\x08\x00\x02\x00\x00\x00", 1))
    write("tells", "ssh", b"\x02" + chunk(b"SSH-2.0-OpenSSH_9.6\r\n", 1) + chunk(b"SSH-2.0-PuTTY_0.80\r\n"))
    tv = b"\x17\x24\x1b\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    write("tells", "teamviewer-tcp", b"\x03" + chunk(tv) + chunk(tv, 1) + chunk(tv))
    write("tells", "teamviewer-udp", b"\x83" + chunk(b"\x00" * 11 + b"\x17\x24" + b"\x00" * 8) * 3)

    # The packet decoder: link selector, then one packet per chunk.
    tcp_ip = ipv4(CLIENT, SERVER, 6, tcp(49152, 443, 1, SYN))
    udp_ip = ipv4(CLIENT, SERVER, 17, udp(50000, 53, query))
    v6 = ipv6(bytes(15) + b"\x01", bytes(15) + b"\x02", 17, udp(5353, 53, query))
    fragment = bytearray(ipv4(CLIENT, SERVER, 17, udp(1, 2, b"x" * 40)))
    fragment[6] = 0x20  # more fragments
    write("packet", "ethernet", b"\x00" + chunk(ethernet(tcp_ip)) + chunk(ethernet(udp_ip, vlan=100))
          + chunk(ethernet(v6, 0x86DD)) + chunk(ethernet(b"\x00\x01\x08\x00\x06\x04\x00\x01" + bytes(20), 0x0806))
          + chunk(ethernet(bytes(fragment))))
    write("packet", "sll", b"\x01" + chunk(sll(tcp_ip)) + chunk(sll(udp_ip)))
    write("packet", "sll2", b"\x02" + chunk(sll2(tcp_ip)) + chunk(sll2(v6, 0x86DD)))
    write("packet", "raw", b"\x03" + chunk(tcp_ip) + chunk(v6) + chunk(tcp_ip[:30]))
    write("packet", "loopback", b"\x04" + chunk(b"\x02\x00\x00\x00" + udp_ip))

    # Whole captures: the same conversations in pcap and pcapng.
    tls_packets = conversation(443, [(0, hello), (1, server12)])
    http_packets = conversation(80, [(0, request), (1, response)])
    dns_packets = [ipv4(CLIENT, SERVER, 17, udp(50000, 53, query)),
                   ipv4(SERVER, CLIENT, 17, udp(53, 50000, answer))]
    vnc_packets = conversation(5901, [(1, b"RFB 003.008\n"), (0, b"RFB 003.008\n")])
    write("pcap", "tls-le-raw", pcap(101, tls_packets))
    write("pcap", "http-be-nanos", pcap(101, http_packets, big_endian=True, nanos=True))
    write("pcap", "dns-ethernet", pcap(1, [ethernet(p) for p in dns_packets]))
    write("pcap", "vnc-sll", pcap(113, [sll(p) for p in vnc_packets]))
    write("pcapng", "tls-le", pcapng(101, tls_packets))
    write("pcapng", "http-be", pcapng(101, http_packets, big_endian=True))
    write("pcapng", "dns-ethernet", pcapng(1, [ethernet(p) for p in dns_packets + vnc_packets]))


def sensor_log_seeds():
    write("zeek_tsv", "http-escapes.log",
          "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\thttp\n"
          "#open\t2024-05-01-12-00-00\n"
          "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\t"
          "user_agent\tstatus_code\tresp_mime_types\tresp_fuids\n"
          "#types\ttime\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\tcount\tset[string]\tvector[string]\n"
          "1714564800.123456\tCabc123\t10.0.0.7\t49152\t198.51.100.20\t80\t1\tGET\tdownload.anydesk.com\t"
          "/AnyDesk\\x2eexe?a=\\x09b\tMozilla/5.0\\x20(Windows)\t200\tapplication/x-dosexec\tFxyz,Fabc\n"
          "1714564801.000000\tCdef456\t10.0.0.8\t-\t198.51.100.21\t80\t-\t-\t(empty)\t-\t-\t-\t(empty)\t-\n"
          "#close\t2024-05-01-13-00-00\n")
    write("zeek_tsv", "x509-ssl.log",
          "#separator \\x09\n#fields\tts\tid\tcertificate.subject\tcertificate.issuer\n"
          "#types\ttime\tstring\tstring\tstring\n#path\tx509\n"
          "1714564800.5\tFcert1\tCN=AnyNet Relay,O=philandro Software GmbH,C=DE\tCN=AnyNet Root CA\n"
          "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tserver_name\tnext_protocol\t"
          "established\tcert_chain_fuids\tja3\n"
          "#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tbool\tvector[string]\tstring\n"
          "#path\tssl\n"
          "1714564800.4\tCssl1\t10.0.0.7\t49153\t203.0.113.9\t443\tTLSv12\t-\t-\tT\tFcert1\t"
          "e7d705a3286e19ea42f587b344ee6865\n")
    write("zeek_json", "streaming.log",
          '{"_path":"dns","_write_ts":"2024-05-01T12:00:00.000000Z","ts":"2024-05-01T12:00:00.000000Z",'
          '"uid":"Cdns1","id.orig_h":"10.0.0.7","id.orig_p":5353,"id.resp_h":"10.0.0.1","id.resp_p":53,'
          '"proto":"udp","query":"relay-0a1b2c3d.net.anydesk.com","answers":["203.0.113.9"],"rcode_name":"NOERROR"}\n'
          '{"_path":"ssl","ts":1714564800.4,"uid":"Cssl1","id.orig_h":"10.0.0.7","id.orig_p":49153,'
          '"id.resp_h":"203.0.113.9","id.resp_p":443,"version":"TLSv13","server_name":"x.screenconnect.com",'
          '"established":true,"ja4":"t13d1516h2_8daaf6152771_b186095e22b6","cert_chain_fps":["ab"]}\n'
          '{"_path":"conn","ts":1714564801,"uid":"C3","id.orig_h":"203.0.113.50","id.orig_p":40000,'
          '"id.resp_h":"10.0.0.7","id.resp_p":5900,"proto":"tcp","service":"rfb","conn_state":"SF",'
          '"orig_bytes":1200,"resp_bytes":90000,"history":"ShADadFf"}\n'
          '{"_path":"x509","ts":1714564800.5,"fingerprint":"ab","certificate.subject":"CN=AnyNet Relay"}\n')
    write("eve", "mixed.json",
          '{"timestamp":"2024-05-01T12:00:00.000000+0000","flow_id":1,"event_type":"dns","src_ip":"10.0.0.7",'
          '"src_port":5353,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","dns":{"version":2,"type":"answer",'
          '"id":1,"rrname":"relay-0a1b2c3d.net.anydesk.com","rrtype":"A","rcode":"NOERROR","answers":'
          '[{"rrname":"relay-0a1b2c3d.net.anydesk.com","rrtype":"A","ttl":300,"rdata":"203.0.113.9"}]}}\n'
          '{"timestamp":"2024-05-01T12:00:01.000000+0000","event_type":"dns","src_ip":"10.0.0.7","dest_ip":"10.0.0.1",'
          '"proto":"UDP","dns":{"version":3,"type":"request","queries":[{"rrname":"myhelpcare.online","rrtype":"AAAA"}]}}\n'
          '{"timestamp":"2024-05-01T12:00:02.000000+0000","event_type":"tls","src_ip":"10.0.0.7","src_port":49153,'
          '"dest_ip":"203.0.113.9","dest_port":443,"proto":"TCP","tls":{"subject":"CN=AnyNet Relay","issuerdn":"CN=AnyNet Root CA",'
          '"version":"TLS 1.2","ja3":{"hash":"e7d705a3286e19ea42f587b344ee6865"},"ja4":"t12d1312h2_8b80da21ef18_77989cba1f4a"}}\n'
          '{"timestamp":"2024-05-01T12:00:03.000000+0000","event_type":"http","src_ip":"10.0.0.7","src_port":49154,'
          '"dest_ip":"198.51.100.20","dest_port":80,"proto":"TCP","http":{"hostname":"download.anydesk.com",'
          '"url":"/AnyDesk.exe","http_user_agent":"curl/8","http_method":"GET","status":200,"http_content_type":"application/x-dosexec"}}\n'
          '{"timestamp":"2024-05-01T12:00:04.000000+0000","event_type":"flow","src_ip":"203.0.113.50","src_port":40000,'
          '"dest_ip":"10.0.0.7","dest_port":5900,"proto":"TCP","app_proto":"vnc","flow":{"pkts_toserver":10,'
          '"pkts_toclient":12,"bytes_toserver":1200,"bytes_toclient":90000,"start":"2024-05-01T12:00:04.000000+0000"}}\n'
          '{"timestamp":"2024-05-01T12:00:05.000000+0000","event_type":"alert","src_ip":"10.0.0.7","dest_ip":"203.0.113.9",'
          '"proto":"TCP","alert":{"signature_id":2000001,"signature":"ET POLICY AnyDesk Remote Desktop Software Activity"}}\n'
          '{"timestamp":"2024-05-01T12:00:06.000000+0000","event_type":"fileinfo","fileinfo":{"filename":"/a.exe","magic":"PE32"}}\n')


def mail_seeds():
    write("eml", "multipart-encodings.eml",
          "From: =?utf-8?B?R2VlayBTcXVhZA==?= <billing@invoices.example>\r\n"
          "To: \"Alice\" <alice@contoso.example>, bob@contoso.example\r\n"
          "Reply-To: refunds@freemail.example\r\nReturn-Path: <bounce@invoices.example>\r\n"
          "Subject: =?iso-8859-1?Q?Your_renewal_=E9t=E9?=\r\nDate: Mon, 16 Jan 2023 09:30:00 +0000\r\n"
          "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"a1\"\r\n\r\n"
          "--a1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
          "Your order of $399.99 was renewed. Call =2B1 (845) 555-0139 to cancel.=\r\n Thanks\r\n"
          "--a1\r\nContent-Type: text/html; charset=windows-1252\r\n\r\n"
          "<html><body><p>Call&nbsp;+1&#32;(845)&#x20;555-0139</p><div style=\"display:none\">hidden</div>"
          "<a href=\"https://myhelpcare.online/x\">cancel</a></body></html>\r\n"
          "--a1\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@example.com\r\nSubject: inner\r\n\r\ninner body\r\n"
          "--a1--\r\n")
    write("eml", "plain.eml",
          "From: support@norton-renewal.example\nTo: alice@contoso.example\nSubject: Invoice #88231\n\n"
          "Dear customer, your Norton subscription was renewed for USD 299.00.\n"
          "If you did not authorize it call 1-800-555-0199 within 24 hours.\n")
    write("mail_html", "lure.html",
          "<!DOCTYPE html><html><head><style>.x{display:none}</style><script>var a='<p>';</script></head>"
          "<body><table><tr><td>Invoice&nbsp;#123 &amp; more &#8203;</td></tr></table>"
          "<p class=x>hidden +1 555 0100</p><span style=\"font-size:0\">zero</span>"
          "<a href=\"https://win01.xyz/get?id=1&amp;b=2\">Get <b>support</b></a><img alt=\"Call now\" src=\"cid:1\">"
          "<!-- comment <a href=x> --><br/>Call +1 (845) 555-0139<div hidden>x</div></body></html>")
    write("mail_html", "broken.html", "<p <a href='x'>unterminated <div style=\"display: none\"><b>&bogus; &#xZZ; <")
    write("ics", "invite.ics",
          "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rmmguard//fuzz//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
          "UID:1@invoices.example\r\nDTSTART:20230116T093000Z\r\nSUMMARY:Subscription renewal\\, call +1 (845) 5\r\n"
          " 55-0139\r\nDESCRIPTION:Your PayPal invoice of $499.99\\nCall us: https://myhelpcare.cc/\\;now\r\n"
          "LOCATION:https://247secure.us/join\r\nORGANIZER;CN=Billing:mailto:billing@invoices.example\r\n"
          "END:VEVENT\r\nEND:VCALENDAR\r\n")
    write("pdf", "plain.pdf", pdf("BT /F1 12 Tf 72 712 Td (Your McAfee renewal: call +1 \\(800\\) 555-0199) Tj ET",
                                   uri="https://myhelpcare.online/pay"))
    write("pdf", "flate.pdf", pdf("BT /F1 12 Tf 72 712 Td [(Inv) -20 (oice) ] TJ T* (USD 349.99) ' ET", compress=True))
    write("docx", "invoice.docx", docx(["Geek Squad renewal of $299.99", "Call +1 (845) 555-0139 today"],
                                       link="https://win03.xyz/anydesk.exe"))
    write("mbox", "escaped.mbox",
          "From billing@invoices.example Mon Jan 16 09:30:00 2023\n"
          "From: billing@invoices.example\nSubject: one\n\nbody\n>From the desk of billing\n\n"
          "From nobody Mon Jan 16 09:31:00 2023\nFrom: a@b.example\nSubject: two\n"
          "Content-Type: text/html\n\n<p>+1 845 555 0139</p>\n")


def endpoint_seeds():
    write("sniff", "pcap", pcap(1, []))
    write("sniff", "pcapng", pcapng(1, []))
    write("sniff", "evtx", b"ElfFile\0" + bytes(120))
    write("sniff", "zeek", "#separator \\x09\n#fields\tts\tuid\n")
    write("sniff", "eve", '{"timestamp":"2024-05-01T12:00:00+0000","event_type":"dns","dns":{}}\n')
    write("sniff", "winlogbeat", '{"@timestamp":"2024-05-01T12:00:00Z","winlog":{"event_id":1,"channel":"Security"}}\n')
    write("sniff", "csv", "host,name,version,publisher\nWS1,AnyDesk,8.0,AnyDesk Software GmbH\n")
    write("sniff", "eml", "From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n")
    write("sniff", "mbox", "From a@b Mon Jan 16 09:30:00 2023\nFrom: a@b\n\nx\n")
    write("sniff", "utf16", "\ufeffhost,name\r\n".encode("utf-16-le"))
    write("inventory", "programs.csv",
          "Host,Name,Version,Publisher,Install_Location\r\nWS1,AnyDesk,8.0.8,AnyDesk Software GmbH,C:\\Program Files (x86)\\AnyDesk\r\n"
          "WS2,\"ScreenConnect Client (a1b2c3)\",23.9,\"ConnectWise, LLC\",\"C:\\Program Files (x86)\\ScreenConnect Client (a1b2c3)\"\r\n")
    write("inventory", "services.json",
          '[{"hostIdentifier":"WS1","name":"AnyDesk","display_name":"AnyDesk Service","path":"C:\\\\AnyDesk.exe",'
          '"start_type":"AUTO_START","service_type":"OWN_PROCESS","user_account":"LocalSystem"},{"name":null,"version":7}]')
    write("inventory", "osquery.jsonl",
          '{"name":"programs","hostIdentifier":"WS1","calendarTime":"Mon Jan 16 09:30:00 2023 UTC","unixTime":1673861400,'
          '"columns":{"name":"Atera Agent","version":"1.8","publisher":"Atera Networks"},"action":"added"}\n'
          '{"name":"programs","hostIdentifier":"WS2","snapshot":[{"name":"TeamViewer","version":"15"}],"action":"snapshot"}\n')
    write("ioc", "plain.txt", "# first-stage domains\nmyhelpcare[.]online\nhxxps://win01.xyz/a\n203.0.113.9\n198.51.100.0/24\n"
          "2001:db8::1\nd41d8cd98f00b204e9800998ecf8427e\n*.bad.example\n")
    write("ioc", "iocs.csv", "indicator,type,description\n\"myhelpcare.cc\",domain,\"first stage, AA23-025A\"\n247secure.us,domain,\n"
          "10.0.0.0/8,cidr,too wide\n")
    write("ioc", "bundle.json", json.dumps({"type": "bundle", "id": "bundle--1", "objects": [
        {"type": "indicator", "id": "indicator--1", "name": "AA23-025A first stage",
         "pattern": "[domain-name:value = 'win03.xyz'] OR [ipv4-addr:value = '203.0.113.7'] OR [url:value = 'https://x.example/it\\'s']",
         "pattern_type": "stix"},
        {"type": "domain-name", "id": "domain-name--1", "value": "myhelpcare.online"},
        {"type": "ipv6-addr", "value": "2001:db8::7"}, {"type": "url", "value": "http://247secure.us/dl"},
        {"type": "malware", "name": "ignored"}]}, indent=1))
    write("policy", "small.toml",
          'version = 1\n\n[[authorized]]\ntool = "anydesk"\ntenants = ["123456789@contoso"]\nhosts = ["WS-*", "group:helpdesk"]\n'
          'portable = false\n\n[networks]\ninternal = ["10.0.0.0/8"]\napproved = ["10.8.0.0/16"]\njump_hosts = ["10.0.0.5"]\n\n'
          '[host_groups]\nhelpdesk = ["HD-*"]\n\n[[exclusions]]\nrule = "E001"\nhost = "LAB-*"\nreason = "lab"\nexpires = 2026-12-31\n')
    write("catalog_toml", "fuzz.toml",
          'id = "fuzz"\nname = "Fuzz Remote"\nvendor = "Example"\ncategory = "rmm"\naliases = ["FuzzRMM"]\nlolrmm = ["fuzz.yaml"]\n\n'
          '[binaries]\nnames = ["fuzz*.exe", "f?zz.exe"]\noriginal_file_names = ["fuzz.exe"]\n\n'
          '[install]\npaths = [\'C:\\Program Files\\Fuzz\\*\']\nservices = ["Fuzz Service"]\n\n'
          '[network]\ndomains = ["fuzz.example", "*.relay.fuzz.example", "r-*.fuzz.example"]\nports = ["tcp/7070", "udp/5000-5010"]\n'
          'addresses = ["203.0.113.0/24"]\n\n[network.tls]\nsni_absent = true\ncert_subjects = ["Fuzz Relay"]\nalpn = ["fuzz/"]\n\n'
          '[[tell]]\nkind = "silent-install"\nall = ["--install", "--silent"]\nnote = "x"\n\n'
          '[[tenant]]\nfield = "command-line"\nregex = \'--id\\s+(?P<tenant>\\d{9})\'\nlabel = "id"\n')
    write("lolrmm", "tool.yaml", b"\x00" + (
        "Name: FuzzDesk\nCategory: RMM\nDescription: test\nAuthor: rmmguard\nCreated: 2024-01-01\nLastModified: 2024-01-01\n"
        "Details:\n  Website: https://fuzzdesk.example\n  PEMetadata:\n    - Filename: fuzzdesk.exe\n      OriginalFileName: FuzzDesk.exe\n"
        "      Description: FuzzDesk\n      Product: FuzzDesk\n  SupportedOS: [Windows]\n  Capabilities: [file transfer]\n"
        "  InstallationPaths:\n    - C:\\Program Files\\FuzzDesk\\fuzzdesk.exe\n    - '*\\fuzzdesk.exe'\n"
        "Artifacts:\n  Disk:\n    - File: C:\\ProgramData\\FuzzDesk\\trace.log\n      Description: log\n"
        "  Network:\n    - Description: relay\n      Domains: ['*.fuzzdesk.example', 'relay.fuzzdesk.example', '203.0.113.4', '<customer>.fuzzdesk.example']\n"
        "      Ports: [443, 7070, '5000-5010', 'udp/9000']\n"
        "  Registry:\n    - Path: HKLM\\SOFTWARE\\FuzzDesk\n"
        "Detections:\n  - Sigma: https://example/rule.yml\n"
        "References: [https://fuzzdesk.example/docs]\nAcknowledgement:\n  - Person: someone\n").encode())
    write("lolrmm", "tools.json", b"\x01" + json.dumps([
        {"Name": "FuzzDesk", "Category": "RMM", "Description": "test", "Details": {"Website": "fuzzdesk.example",
         "PEMetadata": {"Filename": "fuzzdesk.exe", "OriginalFileName": "FuzzDesk.exe"},
         "InstallationPaths": ["C:\\FuzzDesk\\*"]},
         "Artifacts": {"Network": [{"Domains": ["*.fuzzdesk.example"], "Ports": [7070]}]}},
        {"Name": "ÆØÅ İstanbul ß", "Category": "RMM", "Description": "ǅ", "Details": {"PEMetadata": [{"Filename": "ǅ.exe"}]}, "Artifacts": {"Network": {"Ports": ["x"]}}},
        "not a mapping"]).encode())


def tenant_seeds():
    jsonl = (
        '{"type":"domain_info","ts":"2024-05-01T12:00:00Z","domain":"fresh.example","registered":"2024-05-01T11:50:00Z","freemail":false}\n'
        '{"type":"account_created","ts":"2024-05-01T12:07:00Z","tenant":"t1","admin_email":"a@fresh.example","signup_ip":"203.0.113.5","plan":"trial"}\n'
        '{"type":"endpoint_enrolled","ts":"2024-05-01T12:10:00Z","tenant":"t1","endpoint":"e1","hostname":"PC-1","ad_domain":"corp-a.example","public_ip":"198.51.100.1"}\n'
        '{"type":"endpoint_enrolled","ts":"2024-05-01T12:11:00Z","tenant":"t1","endpoint":"e2","hostname":"PC-2","ad_domain":"corp-b.example","public_ip":"198.51.100.2"}\n'
        '{"type":"endpoint_removed","ts":"2024-05-01T13:00:00Z","tenant":"t1","endpoint":"e1"}\n'
        '{"type":"session_started","ts":"2024-05-01T13:05:00Z","tenant":"t1","endpoint":"e2","session":"s1"}\n'
        '{"type":"unknown_kind","ts":"not a time"}\n')
    write("tenants", "events.jsonl", b"\x00" + jsonl.encode())
    write("tenants", "events.csv", b"\x01" + (
        "type,ts,tenant,domain,registered,admin_email,endpoint,hostname,ad_domain,public_ip\n"
        "domain_info,2024-05-01T12:00:00Z,,fresh.example,2024-05-01T11:50:00Z,,,,,\n"
        "account_created,2024-05-01T12:07:00Z,t1,,,a@fresh.example,,,,\n"
        "endpoint_enrolled,2024-05-01T12:10:00Z,t1,,,,e1,PC-1,corp-a.example,198.51.100.1\n"
        "endpoint_removed,2024-05-01T13:00:00Z,t1,,,,e1,,,\n\"unterminated,\n").encode())


def simulated_seeds(sim):
    """Small files cut from `rmmguard simulate` output (our own generator)."""
    def first_lines(path, n):
        with open(path, "rb") as f:
            return b"".join(f.readline() for _ in range(n))

    for site in sorted(os.listdir(sim)):
        folder = os.path.join(sim, site)
        if not os.path.isdir(folder):
            continue
        for root, _, files in os.walk(folder):
            for name in sorted(files):
                path = os.path.join(root, name)
                rel = os.path.relpath(path, sim).replace(os.sep, "_")
                if name.endswith(".jsonl") and "vendor" not in root:
                    write("event_jsonl", "sim_" + rel, first_lines(path, 4))
                elif name.endswith(".log") and "zeek-json" in root:
                    write("zeek_json", "sim_" + rel, first_lines(path, 8))
                elif name.endswith(".log"):
                    write("zeek_tsv", "sim_" + rel, first_lines(path, 16))
                elif name == "eve.json":
                    write("eve", "sim_" + rel, first_lines(path, 12))
                elif name.endswith(".eml") and (name.startswith("lure") or name.endswith("-1_contoso_example.eml")):
                    shutil.copy(path, os.path.join(CORPUS, "eml", "sim_" + rel))
                elif name.endswith(".pcap"):
                    with open(path, "rb") as f:
                        data = f.read()
                    write("pcap", "sim_" + rel, data[:24000])
                elif name.endswith(".jsonl") and "vendor" in root:
                    write("tenants", "sim_" + rel, b"\x00" + first_lines(path, 40))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sim", help="a folder written by `rmmguard simulate`")
    parser.add_argument("--mbox", help="an mbox written by `rmmguard simulate --mailbox N`")
    parser.add_argument("--evtx", help="a folder of EVTX files written by `rmmguard simulate --format evtx`")
    args = parser.parse_args()
    network_seeds()
    sensor_log_seeds()
    mail_seeds()
    endpoint_seeds()
    tenant_seeds()
    if args.sim:
        simulated_seeds(args.sim)
    if args.mbox:
        shutil.copy(args.mbox, os.path.join(CORPUS, "mbox", "sim_inbox.mbox"))
    if args.evtx:
        picked = 0
        for root, _, files in sorted(os.walk(args.evtx)):
            for name in sorted(files):
                if name.endswith(".evtx") and picked < 3 and name.split(".")[0] in ("Sysmon", "Security", "System"):
                    with open(os.path.join(root, name), "rb") as f:
                        data = f.read()
                    # The evtx target adds the 4 KiB file header itself.
                    write("evtx", "sim_" + name, data[4096:])
                    picked += 1


if __name__ == "__main__":
    main()
