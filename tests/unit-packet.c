/* unit-packet.c - classifying the first packet of an input. */
#include <config.h>

#include "lib/packet.h"
#include "tap.h"

#define START(...) ({ static const unsigned char b_[] = { __VA_ARGS__ }; \
	mule_packet_start(b_, sizeof b_); })

int
main(void)
{
	TAP_OK(START(0x84, 0x5e, 0x03) == MULE_PACKET_ENCRYPTED,
	    "old-format PKESK");
	TAP_OK(START(0xc1, 0x5e, 0x03) == MULE_PACKET_ENCRYPTED,
	    "new-format PKESK");
	TAP_OK(START(0xc3, 0x0d, 0x04) == MULE_PACKET_ENCRYPTED, "SKESK");
	TAP_OK(START(0xa8, 0x03, 'P', 'G', 'P', 0x84, 0x5e) ==
	    MULE_PACKET_ENCRYPTED, "marker packet, then PKESK");
	TAP_OK(START(0xa8, 0x03, 'P', 'G', 'P') == MULE_PACKET_INVALID,
	    "marker packet alone");
	TAP_OK(START(0xa8, 0x03, 'P', 'G', 'P', 0xa8, 0x03, 'P', 'G', 'P',
	    0xa8, 0x03, 'P', 'G', 'P', 0xa8, 0x03, 'P', 'G', 'P', 0xa8, 0x03,
	    'P', 'G', 'P', 0x84, 0x5e) == MULE_PACKET_INVALID,
	    "too many marker packets");
	TAP_OK(START(0xd2, 0xff) == MULE_PACKET_BARE_DATA, "bare SEIPD");
	TAP_OK(START(0xa4, 0x10) == MULE_PACKET_BARE_DATA, "bare SED");
	TAP_OK(START(0xa3, 0x01) == MULE_PACKET_UNENCRYPTED, "compressed");
	TAP_OK(START(0x90, 0x0d) == MULE_PACKET_UNENCRYPTED, "one-pass sig");
	TAP_OK(START(0xcb, 0x0d) == MULE_PACKET_UNENCRYPTED, "literal");
	TAP_OK(START(0x99, 0x01, 0x0d) == MULE_PACKET_KEY, "public key");
	TAP_OK(START(0xb4, 0x05) == MULE_PACKET_KEY, "user ID");
	TAP_OK(START(0x41, 0x42) == MULE_PACKET_INVALID, "text");
	TAP_OK(START(0x84) == MULE_PACKET_INVALID, "one byte");
	TAP_OK(mule_packet_start((const unsigned char *)"", 0)
	    == MULE_PACKET_INVALID, "nothing");
	TAP_OK(START(0xc0 | 60, 0x01) == MULE_PACKET_INVALID, "private tag 60");

#define COUNT(...) ({ static const unsigned char c_[] = { __VA_ARGS__ }; \
	mule_packet_count_signatures(c_, sizeof c_); })
	TAP_OK(COUNT(0x88, 0x02, 0x04, 0x00) == 1, "one old-format signature");
	TAP_OK(COUNT(0xc2, 0x02, 0x04, 0x00, 0x88, 0x01, 0x04) == 2,
	    "two signatures");
	TAP_OK(COUNT(0xc2, 0xff, 0, 0, 0, 1, 0x04) == 1, "5-byte length");
	TAP_OK(COUNT(0x88, 0x05, 0x04) == -1, "cut short");
	TAP_OK(COUNT(0x88, 0x01, 0x04, 0xcb, 0x01, 0x00) == -1,
	    "a literal packet after the signature");
	TAP_OK(COUNT(0x8b, 0x04) == -1, "indeterminate length");
	TAP_OK(COUNT(0xc2, 0xe1, 0x04) == -1, "partial length");
	TAP_OK(mule_packet_count_signatures((const unsigned char *)"", 0) == -1,
	    "nothing");
	return tap_done();
}
