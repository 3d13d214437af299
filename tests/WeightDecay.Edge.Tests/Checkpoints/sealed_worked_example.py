#!/usr/bin/env python3
"""The sealed worked example of docs/checkpoints.md, computed from the format's text alone.

Takes the 148-byte version 1 checkpoint of the document's worked example, applies the version 2
rules (version 2, length + 32, a new header CRC, HMAC-SHA256 over bytes 0 to L + 32 - 37 inserted
before the trailing CRC, the trailing CRC over bytes 0-35 and 40 to the end of the tag), with
sequence number 7 and the key 00 01 02 ... 1F, and prints the result in hex. Python's hmac, hashlib
and zlib only: nothing of the library. CheckpointFormatConformanceTests holds the output.
"""
import hashlib
import hmac
import struct
import zlib

V1 = bytes.fromhex(
    "5744454301000101953F7CF04BCD4BCB0000000000000000940000000800000008000000B737064A"
    "0100000000000000000000000000000004000000CDCCCC3D6666663F000000000000000000000000"
    "3333733F9A99F93FCDCC3C40CDCC7C4066669E406666BE406666E63ECDCC0CBF"
    "0000003F0000003F0000003F0000003F0000003F0000003F0000003F0000003F"
    "373AAC70")
KEY = bytes(range(32))
SEQUENCE = 7

assert len(V1) == 148
header = bytearray(V1[:40])
header[4] = 2                                    # version
struct.pack_into("<Q", header, 16, SEQUENCE)     # sequence number
struct.pack_into("<I", header, 24, len(V1) + 32)  # length L + 32
struct.pack_into("<I", header, 36, zlib.crc32(bytes(header[:36])))
body = bytes(header) + V1[40:-4]                 # header, its CRC, the payload
tag = hmac.new(KEY, body, hashlib.sha256).digest()
sealed = body + tag
crc = zlib.crc32(sealed[:36] + sealed[40:])
sealed += struct.pack("<I", crc)
assert len(sealed) == 180
print(sealed.hex().upper())
print("header CRC 0x%08X, tag %s, CRC-32 0x%08X" % (struct.unpack_from("<I", header, 36)[0], tag.hex().upper(), crc))
