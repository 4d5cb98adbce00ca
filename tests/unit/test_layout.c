// SPDX-License-Identifier: GPL-2.0-only
/*
 * Wire-format layout checks, at run time, against the numbers of the
 * published formats (TLFS, VMBus). The headers carry the same facts as
 * static assertions; these cases re-check them in the built binary and
 * also check where each field's bytes land in memory: a field is filled
 * with 0xff in a zeroed buffer of the structure's size and exactly the
 * bytes [offset, offset + width) must change.
 *
 * One case per structure size and per field, so a layout change names
 * exactly what moved.
 */
#define HVTEST_SUITE "layout"
#include "hvtest.h"

#include <hvlis/chanmsg.h>
#include <hvlis/ring.h>
#include <hvlis/vstor_proto.h>
#include <hvlis/nvsp_proto.h>
#include <hvlis/rndis_proto.h>

#define SIZE_CASE(name, type, n)			\
	TEST(size_##name)				\
	{						\
		volatile size_t s = sizeof(type);	\
		CHECK_EQ(s, n);				\
	}

/* The bytes a member occupies, found by writing it, compared with the spec. */
static void field_bytes(size_t size, size_t member_off, size_t member_size,
			size_t off, size_t width, const char *what)
{
	u8 *buf = calloc(1, size);
	size_t i, first = size, last = 0, n = 0;

	if (!CHECK(buf))
		return;
	memset(buf + member_off, 0xff, member_size);
	for (i = 0; i < size; i++) {
		if (buf[i]) {
			n++;
			if (i < first)
				first = i;
			last = i;
		}
	}
	if (!CHECK_EQ(first, off) || !CHECK_EQ(n, width) ||
	    !CHECK_EQ(last, off + width - 1))
		FAILF("%s: occupies bytes %zu..%zu (%zu), spec says %zu..%zu", what,
		      first, last, n, off, off + width - 1);
	free(buf);
}

#define FIELD_CASE(name, type, member, off, width)				\
	TEST(field_##name)							\
	{									\
		type *p = NULL;							\
		field_bytes(sizeof(type), offsetof(type, member),		\
			    sizeof(p->member), off, width, #type "." #member);	\
	}

#define OFFSET_CASE(name, type, member, off)		\
	TEST(offset_##name)				\
	{						\
		volatile size_t o = offsetof(type, member); \
		CHECK_EQ(o, off);			\
	}

/* ---- TLFS: SynIC messages, event flags, monitor page, hypercall input */
SIZE_CASE(hv_message_header_16, struct hvlis_hv_message_header, 16)
FIELD_CASE(hv_message_header_type, struct hvlis_hv_message_header, message_type, 0, 4)
FIELD_CASE(hv_message_header_payload_size, struct hvlis_hv_message_header, payload_size, 4, 1)
FIELD_CASE(hv_message_header_flags, struct hvlis_hv_message_header, message_flags, 5, 1)
FIELD_CASE(hv_message_header_sender, struct hvlis_hv_message_header, sender, 8, 8)
SIZE_CASE(hv_message_256, struct hvlis_hv_message, 256)
FIELD_CASE(hv_message_payload, struct hvlis_hv_message, payload, 16, 240)
SIZE_CASE(hv_message_page_4096, struct hvlis_hv_message_page, 4096)
SIZE_CASE(hv_event_flags_256, struct hvlis_hv_event_flags, 256)
SIZE_CASE(hv_event_page_4096, struct hvlis_hv_event_page, 4096)
SIZE_CASE(hv_post_message_256, struct hvlis_hv_post_message, 256)
FIELD_CASE(hv_post_message_connection_id, struct hvlis_hv_post_message, connection_id, 0, 4)
FIELD_CASE(hv_post_message_type, struct hvlis_hv_post_message, message_type, 8, 4)
FIELD_CASE(hv_post_message_payload_size, struct hvlis_hv_post_message, payload_size, 12, 4)
FIELD_CASE(hv_post_message_payload, struct hvlis_hv_post_message, payload, 16, 240)
SIZE_CASE(hv_monitor_page_4096, struct hvlis_hv_monitor_page, 4096)
FIELD_CASE(hv_monitor_trigger_state, struct hvlis_hv_monitor_page, trigger_state, 0, 4)
FIELD_CASE(hv_monitor_trigger_group, struct hvlis_hv_monitor_page, trigger_group, 8, 32)
FIELD_CASE(hv_monitor_next_check_time, struct hvlis_hv_monitor_page, next_check_time, 64, 512)
FIELD_CASE(hv_monitor_latency, struct hvlis_hv_monitor_page, latency, 576, 256)
FIELD_CASE(hv_monitor_parameter, struct hvlis_hv_monitor_page, parameter, 1088, 1024)
SIZE_CASE(hv_monitor_parameter_8, struct hvlis_hv_monitor_parameter, 8)
FIELD_CASE(hv_monitor_parameter_flag_number, struct hvlis_hv_monitor_parameter, flag_number, 4, 2)

TEST(tlfs_constants)
{
	CHECK_EQ(HVLIS_HV_PAGE_SIZE, 4096);
	CHECK_EQ(HVLIS_MESSAGE_SIZE, 256);
	CHECK_EQ(HVLIS_MESSAGE_PAYLOAD_BYTES, 240);
	CHECK_EQ(HVLIS_EVENT_FLAGS_BITS, 2048);
	CHECK_EQ(HVLIS_SINT_COUNT, 16);
	CHECK_EQ(HVLIS_HVCALL_POST_MESSAGE, 0x5c);
	CHECK_EQ(HVLIS_HVCALL_SIGNAL_EVENT, 0x5d);
	CHECK_EQ(HVLIS_HVCALL_FAST_BIT, 0x10000);
	CHECK_EQ(HVLIS_MSR_GUEST_OS_ID, 0x40000000);
	CHECK_EQ(HVLIS_MSR_HYPERCALL, 0x40000001);
	CHECK_EQ(HVLIS_MSR_SCONTROL, 0x40000080);
	CHECK_EQ(HVLIS_MSR_SIEFP, 0x40000082);
	CHECK_EQ(HVLIS_MSR_SIMP, 0x40000083);
	CHECK_EQ(HVLIS_MSR_EOM, 0x40000084);
	CHECK_EQ(HVLIS_MSR_SINT0, 0x40000090);
	CHECK_EQ(HVLIS_HV_INTERFACE_SIG, 0x31237648);
	CHECK(memcmp("Hv#1", &(u32){ HVLIS_HV_INTERFACE_SIG }, 4) == 0);
}

TEST(signal_event_input_packing)
{
	CHECK_EQ(hvlis_signal_event_input(0x12345678, 0xabcd), 0x0000abcd12345678ull);
	CHECK_EQ(hvlis_signal_event_input(2, 0), 2);
	CHECK_EQ(hvlis_signal_event_input(0xffffffffu, 0xffff), 0x0000ffffffffffffull);
}

/* ---- VMBus channel messages */
SIZE_CASE(guid_16, struct hvlis_guid, 16)
SIZE_CASE(chanmsg_header_8, struct hvlis_chanmsg_header, 8)
FIELD_CASE(chanmsg_header_msgtype, struct hvlis_chanmsg_header, msgtype, 0, 4)
FIELD_CASE(chanmsg_header_padding, struct hvlis_chanmsg_header, padding, 4, 4)

SIZE_CASE(offer_176, struct hvlis_offer, 176)
FIELD_CASE(offer_if_type, struct hvlis_offer, if_type, 0, 16)
FIELD_CASE(offer_if_instance, struct hvlis_offer, if_instance, 16, 16)
FIELD_CASE(offer_chn_flags, struct hvlis_offer, chn_flags, 48, 2)
FIELD_CASE(offer_mmio_megabytes, struct hvlis_offer, mmio_megabytes, 50, 2)
FIELD_CASE(offer_user_def, struct hvlis_offer, user_def, 52, 120)
FIELD_CASE(offer_sub_channel_index, struct hvlis_offer, sub_channel_index, 172, 2)

SIZE_CASE(offer_channel_196, struct hvlis_msg_offer_channel, 196)
FIELD_CASE(offer_channel_offer, struct hvlis_msg_offer_channel, offer, 8, 176)
FIELD_CASE(offer_channel_child_relid, struct hvlis_msg_offer_channel, child_relid, 184, 4)
FIELD_CASE(offer_channel_monitor_id, struct hvlis_msg_offer_channel, monitor_id, 188, 1)
FIELD_CASE(offer_channel_monitor_flags, struct hvlis_msg_offer_channel, monitor_flags, 189, 1)
FIELD_CASE(offer_channel_interrupt_flags, struct hvlis_msg_offer_channel, interrupt_flags, 190, 2)
FIELD_CASE(offer_channel_connection_id, struct hvlis_msg_offer_channel, connection_id, 192, 4)

SIZE_CASE(rescind_offer_12, struct hvlis_msg_rescind_offer, 12)
FIELD_CASE(rescind_offer_child_relid, struct hvlis_msg_rescind_offer, child_relid, 8, 4)

SIZE_CASE(initiate_contact_40, struct hvlis_msg_initiate_contact, 40)
FIELD_CASE(initiate_contact_version, struct hvlis_msg_initiate_contact, vmbus_version_requested, 8, 4)
FIELD_CASE(initiate_contact_target_vcpu, struct hvlis_msg_initiate_contact, target_vcpu, 12, 4)
FIELD_CASE(initiate_contact_interrupt_page, struct hvlis_msg_initiate_contact, interrupt_page_or_sint, 16, 8)
FIELD_CASE(initiate_contact_monitor_page1, struct hvlis_msg_initiate_contact, monitor_page1, 24, 8)
FIELD_CASE(initiate_contact_monitor_page2, struct hvlis_msg_initiate_contact, monitor_page2, 32, 8)

SIZE_CASE(version_response_16, struct hvlis_msg_version_response, 16)
FIELD_CASE(version_response_supported, struct hvlis_msg_version_response, version_supported, 8, 1)
FIELD_CASE(version_response_connection_state, struct hvlis_msg_version_response, connection_state, 9, 1)
FIELD_CASE(version_response_msg_conn_id, struct hvlis_msg_version_response, msg_conn_id, 12, 4)

SIZE_CASE(open_channel_148, struct hvlis_msg_open_channel, 148)
FIELD_CASE(open_channel_child_relid, struct hvlis_msg_open_channel, child_relid, 8, 4)
FIELD_CASE(open_channel_open_id, struct hvlis_msg_open_channel, open_id, 12, 4)
FIELD_CASE(open_channel_ring_gpadl, struct hvlis_msg_open_channel, ring_gpadl, 16, 4)
FIELD_CASE(open_channel_target_vp, struct hvlis_msg_open_channel, target_vp, 20, 4)
FIELD_CASE(open_channel_downstream_offset, struct hvlis_msg_open_channel, downstream_ring_page_offset, 24, 4)
FIELD_CASE(open_channel_user_data, struct hvlis_msg_open_channel, user_data, 28, 120)

SIZE_CASE(open_result_20, struct hvlis_msg_open_result, 20)
FIELD_CASE(open_result_child_relid, struct hvlis_msg_open_result, child_relid, 8, 4)
FIELD_CASE(open_result_open_id, struct hvlis_msg_open_result, open_id, 12, 4)
FIELD_CASE(open_result_status, struct hvlis_msg_open_result, status, 16, 4)

SIZE_CASE(close_channel_12, struct hvlis_msg_close_channel, 12)

SIZE_CASE(gpa_range_8, struct hvlis_gpa_range, 8)
OFFSET_CASE(gpa_range_pfn_array, struct hvlis_gpa_range, pfn_array, 8)
SIZE_CASE(gpadl_header_20, struct hvlis_msg_gpadl_header, 20)
FIELD_CASE(gpadl_header_child_relid, struct hvlis_msg_gpadl_header, child_relid, 8, 4)
FIELD_CASE(gpadl_header_gpadl, struct hvlis_msg_gpadl_header, gpadl, 12, 4)
FIELD_CASE(gpadl_header_range_buflen, struct hvlis_msg_gpadl_header, range_buflen, 16, 2)
FIELD_CASE(gpadl_header_range_count, struct hvlis_msg_gpadl_header, range_count, 18, 2)
OFFSET_CASE(gpadl_header_range, struct hvlis_msg_gpadl_header, range, 20)
SIZE_CASE(gpadl_body_16, struct hvlis_msg_gpadl_body, 16)
FIELD_CASE(gpadl_body_msgnumber, struct hvlis_msg_gpadl_body, msgnumber, 8, 4)
FIELD_CASE(gpadl_body_gpadl, struct hvlis_msg_gpadl_body, gpadl, 12, 4)
OFFSET_CASE(gpadl_body_pfn, struct hvlis_msg_gpadl_body, pfn, 16)
SIZE_CASE(gpadl_created_20, struct hvlis_msg_gpadl_created, 20)
FIELD_CASE(gpadl_created_status, struct hvlis_msg_gpadl_created, creation_status, 16, 4)
SIZE_CASE(gpadl_teardown_16, struct hvlis_msg_gpadl_teardown, 16)
FIELD_CASE(gpadl_teardown_gpadl, struct hvlis_msg_gpadl_teardown, gpadl, 12, 4)
SIZE_CASE(gpadl_torndown_12, struct hvlis_msg_gpadl_torndown, 12)
FIELD_CASE(gpadl_torndown_gpadl, struct hvlis_msg_gpadl_torndown, gpadl, 8, 4)
SIZE_CASE(relid_released_12, struct hvlis_msg_relid_released, 12)
SIZE_CASE(modify_channel_16, struct hvlis_msg_modify_channel, 16)
FIELD_CASE(modify_channel_target_vp, struct hvlis_msg_modify_channel, target_vp, 12, 4)
SIZE_CASE(modify_channel_response_16, struct hvlis_msg_modify_channel_response, 16)
FIELD_CASE(modify_channel_response_status, struct hvlis_msg_modify_channel_response, status, 12, 4)
SIZE_CASE(tl_connect_request_40, struct hvlis_msg_tl_connect_request, 40)
FIELD_CASE(tl_connect_request_guest_endpoint, struct hvlis_msg_tl_connect_request, guest_endpoint_id, 8, 16)
FIELD_CASE(tl_connect_request_host_service, struct hvlis_msg_tl_connect_request, host_service_id, 24, 16)

TEST(gpadl_capacities)
{
	CHECK_EQ(HVLIS_GPADL_HEADER_PFNS, 26);
	CHECK_EQ(HVLIS_GPADL_BODY_PFNS, 28);
	/* Full messages fit the SynIC payload exactly or nearly. */
	CHECK_EQ(20 + 8 + 26 * 8, 236);
	CHECK(20 + 8 + 27 * 8 > HVLIS_MESSAGE_PAYLOAD_BYTES);
	CHECK_EQ(16 + 28 * 8, HVLIS_MESSAGE_PAYLOAD_BYTES);
}

TEST(chanmsg_type_numbers)
{
	CHECK_EQ(HVLIS_CHANMSG_OFFERCHANNEL, 1);
	CHECK_EQ(HVLIS_CHANMSG_RESCIND_CHANNELOFFER, 2);
	CHECK_EQ(HVLIS_CHANMSG_REQUESTOFFERS, 3);
	CHECK_EQ(HVLIS_CHANMSG_ALLOFFERS_DELIVERED, 4);
	CHECK_EQ(HVLIS_CHANMSG_OPENCHANNEL, 5);
	CHECK_EQ(HVLIS_CHANMSG_OPENCHANNEL_RESULT, 6);
	CHECK_EQ(HVLIS_CHANMSG_CLOSECHANNEL, 7);
	CHECK_EQ(HVLIS_CHANMSG_GPADL_HEADER, 8);
	CHECK_EQ(HVLIS_CHANMSG_GPADL_BODY, 9);
	CHECK_EQ(HVLIS_CHANMSG_GPADL_CREATED, 10);
	CHECK_EQ(HVLIS_CHANMSG_GPADL_TEARDOWN, 11);
	CHECK_EQ(HVLIS_CHANMSG_GPADL_TORNDOWN, 12);
	CHECK_EQ(HVLIS_CHANMSG_RELID_RELEASED, 13);
	CHECK_EQ(HVLIS_CHANMSG_INITIATE_CONTACT, 14);
	CHECK_EQ(HVLIS_CHANMSG_VERSION_RESPONSE, 15);
	CHECK_EQ(HVLIS_CHANMSG_UNLOAD, 16);
	CHECK_EQ(HVLIS_CHANMSG_UNLOAD_RESPONSE, 17);
	CHECK_EQ(HVLIS_CHANMSG_TL_CONNECT_REQUEST, 21);
	CHECK_EQ(HVLIS_CHANMSG_MODIFYCHANNEL, 22);
	CHECK_EQ(HVLIS_CHANMSG_TL_CONNECT_RESULT, 23);
	CHECK_EQ(HVLIS_CHANMSG_MODIFYCHANNEL_RESPONSE, 24);
}

TEST(vmbus_version_encoding)
{
	CHECK_EQ(HVLIS_VMBUS_WS2008, 0x0000000d);
	CHECK_EQ(HVLIS_VMBUS_WIN7, 0x00010001);
	CHECK_EQ(HVLIS_VMBUS_WIN8, 0x00020004);
	CHECK_EQ(HVLIS_VMBUS_WIN8_1, 0x00030000);
	CHECK_EQ(HVLIS_VMBUS_WIN10, 0x00040000);
	CHECK_EQ(HVLIS_VMBUS_WIN10_V4_1, 0x00040001);
	CHECK_EQ(HVLIS_VMBUS_WIN10_V5, 0x00050000);
	CHECK_EQ(HVLIS_VMBUS_WIN10_V5_1, 0x00050001);
	CHECK_EQ(HVLIS_VMBUS_WIN10_V5_2, 0x00050002);
	CHECK_EQ(HVLIS_VMBUS_WIN10_V5_3, 0x00050003);
}

TEST(vmbus_connection_constants)
{
	CHECK_EQ(HVLIS_VMBUS_MESSAGE_CONNECTION_ID, 1);
	CHECK_EQ(HVLIS_VMBUS_MESSAGE_CONNECTION_ID_4, 4);
	CHECK_EQ(HVLIS_VMBUS_EVENT_CONNECTION_ID, 2);
	CHECK_EQ(HVLIS_VMBUS_MONITOR_CONNECTION_ID, 3);
	CHECK_EQ(HVLIS_VMBUS_MESSAGE_SINT, 2);
	CHECK_EQ(HVLIS_MAX_RELID, 2047);
	CHECK_EQ(HVLIS_MAX_MONITOR_ID, 127);
}

TEST(guid_wire_bytes_network)
{
	static const u8 expect[16] = { 0x63, 0x51, 0x61, 0xf8, 0x3e, 0xdf, 0xc5, 0x46,
				       0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e };
	struct hvlis_guid g = HVLIS_GUID_NETWORK;

	CHECK_MEM_EQ(g.b, expect, 16);
}

/* ---- Ring buffer and packets */
SIZE_CASE(ring_header_4096, struct hvlis_ring_header, 4096)
FIELD_CASE(ring_header_write_index, struct hvlis_ring_header, write_index, 0, 4)
FIELD_CASE(ring_header_read_index, struct hvlis_ring_header, read_index, 4, 4)
FIELD_CASE(ring_header_interrupt_mask, struct hvlis_ring_header, interrupt_mask, 8, 4)
FIELD_CASE(ring_header_pending_send_sz, struct hvlis_ring_header, pending_send_sz, 12, 4)
FIELD_CASE(ring_header_feature_bits, struct hvlis_ring_header, feature_bits, 64, 4)

SIZE_CASE(packet_desc_16, struct hvlis_packet_desc, 16)
FIELD_CASE(packet_desc_type, struct hvlis_packet_desc, type, 0, 2)
FIELD_CASE(packet_desc_offset8, struct hvlis_packet_desc, offset8, 2, 2)
FIELD_CASE(packet_desc_len8, struct hvlis_packet_desc, len8, 4, 2)
FIELD_CASE(packet_desc_flags, struct hvlis_packet_desc, flags, 6, 2)
FIELD_CASE(packet_desc_trans_id, struct hvlis_packet_desc, trans_id, 8, 8)

SIZE_CASE(page_buffer_16, struct hvlis_page_buffer, 16)
FIELD_CASE(page_buffer_pfn, struct hvlis_page_buffer, pfn, 8, 8)
SIZE_CASE(gpa_direct_header_24, struct hvlis_gpa_direct_header, 24)
FIELD_CASE(gpa_direct_header_range_count, struct hvlis_gpa_direct_header, range_count, 20, 4)
SIZE_CASE(xfer_page_range_8, struct hvlis_xfer_page_range, 8)
SIZE_CASE(xfer_page_header_24, struct hvlis_xfer_page_header, 24)
FIELD_CASE(xfer_page_header_pageset_id, struct hvlis_xfer_page_header, xfer_pageset_id, 16, 2)
FIELD_CASE(xfer_page_header_sender_owns, struct hvlis_xfer_page_header, sender_owns_set, 18, 1)
FIELD_CASE(xfer_page_header_range_count, struct hvlis_xfer_page_header, range_count, 20, 4)
OFFSET_CASE(xfer_page_header_ranges, struct hvlis_xfer_page_header, ranges, 24)

TEST(packet_type_numbers)
{
	CHECK_EQ(HVLIS_PKT_SYNCH, 1);
	CHECK_EQ(HVLIS_PKT_ADD_XFER_PAGESET, 2);
	CHECK_EQ(HVLIS_PKT_ESTABLISH_GPADL, 4);
	CHECK_EQ(HVLIS_PKT_TEARDOWN_GPADL, 5);
	CHECK_EQ(HVLIS_PKT_DATA_INBAND, 6);
	CHECK_EQ(HVLIS_PKT_DATA_USING_XFER_PAGES, 7);
	CHECK_EQ(HVLIS_PKT_DATA_USING_GPADL, 8);
	CHECK_EQ(HVLIS_PKT_DATA_USING_GPA_DIRECT, 9);
	CHECK_EQ(HVLIS_PKT_CANCEL_REQUEST, 10);
	CHECK_EQ(HVLIS_PKT_COMP, 11);
	CHECK_EQ(HVLIS_PKT_DATA_USING_ADDITIONAL_PKT, 12);
	CHECK_EQ(HVLIS_PKT_ADDITIONAL_DATA, 13);
	CHECK_EQ(HVLIS_PKT_FLAG_COMPLETION_REQUESTED, 1);
}

TEST(ring_constants)
{
	CHECK_EQ(HVLIS_RING_TRAILER_BYTES, 8);
	CHECK_EQ(HVLIS_RING_FEAT_PENDING_SEND_SZ, 1);
	/* The control page is one Hyper-V page; the data area starts after it. */
	CHECK_EQ(sizeof(struct hvlis_ring_header), HVLIS_HV_PAGE_SIZE);
}

/* ---- VSTOR (storage): packet, SRB, properties, version, FC names, offer */
SIZE_CASE(vstor_packet_64, struct hvlis_vstor_packet, 64)
FIELD_CASE(vstor_packet_operation, struct hvlis_vstor_packet, operation, 0, 4)
FIELD_CASE(vstor_packet_flags, struct hvlis_vstor_packet, flags, 4, 4)
FIELD_CASE(vstor_packet_status, struct hvlis_vstor_packet, status, 8, 4)
FIELD_CASE(vstor_packet_srb, struct hvlis_vstor_packet, srb, 12, 52)
FIELD_CASE(vstor_packet_props, struct hvlis_vstor_packet, props, 12, 24)
FIELD_CASE(vstor_packet_version, struct hvlis_vstor_packet, version, 12, 4)
FIELD_CASE(vstor_packet_wwn, struct hvlis_vstor_packet, wwn, 12, 36)
FIELD_CASE(vstor_packet_sub_channel_count, struct hvlis_vstor_packet, sub_channel_count, 12, 2)
FIELD_CASE(vstor_packet_buffer, struct hvlis_vstor_packet, buffer, 12, 52)
SIZE_CASE(vstor_srb_52, struct hvlis_vstor_srb, 52)
FIELD_CASE(vstor_srb_length, struct hvlis_vstor_srb, length, 0, 2)
FIELD_CASE(vstor_srb_srb_status, struct hvlis_vstor_srb, srb_status, 2, 1)
FIELD_CASE(vstor_srb_scsi_status, struct hvlis_vstor_srb, scsi_status, 3, 1)
FIELD_CASE(vstor_srb_port_number, struct hvlis_vstor_srb, port_number, 4, 1)
FIELD_CASE(vstor_srb_path_id, struct hvlis_vstor_srb, path_id, 5, 1)
FIELD_CASE(vstor_srb_target_id, struct hvlis_vstor_srb, target_id, 6, 1)
FIELD_CASE(vstor_srb_lun, struct hvlis_vstor_srb, lun, 7, 1)
FIELD_CASE(vstor_srb_cdb_length, struct hvlis_vstor_srb, cdb_length, 8, 1)
FIELD_CASE(vstor_srb_sense_info_length, struct hvlis_vstor_srb, sense_info_length, 9, 1)
FIELD_CASE(vstor_srb_data_in, struct hvlis_vstor_srb, data_in, 10, 1)
FIELD_CASE(vstor_srb_data_transfer_length, struct hvlis_vstor_srb, data_transfer_length, 12, 4)
FIELD_CASE(vstor_srb_cdb, struct hvlis_vstor_srb, cdb, 16, 16)
FIELD_CASE(vstor_srb_sense_data, struct hvlis_vstor_srb, sense_data, 16, 20)
FIELD_CASE(vstor_srb_win8, struct hvlis_vstor_srb, win8, 36, 16)
SIZE_CASE(vstor_win8_ext_16, struct hvlis_vstor_win8_ext, 16)
FIELD_CASE(vstor_win8_queue_tag, struct hvlis_vstor_win8_ext, queue_tag, 2, 1)
FIELD_CASE(vstor_win8_queue_action, struct hvlis_vstor_win8_ext, queue_action, 3, 1)
FIELD_CASE(vstor_win8_srb_flags, struct hvlis_vstor_win8_ext, srb_flags, 4, 4)
FIELD_CASE(vstor_win8_time_out_value, struct hvlis_vstor_win8_ext, time_out_value, 8, 4)
FIELD_CASE(vstor_win8_queue_sort_key, struct hvlis_vstor_win8_ext, queue_sort_key, 12, 4)
SIZE_CASE(vstor_channel_props_24, struct hvlis_vstor_channel_props, 24)
FIELD_CASE(vstor_props_max_channel_cnt, struct hvlis_vstor_channel_props, max_channel_cnt, 4, 2)
FIELD_CASE(vstor_props_flags, struct hvlis_vstor_channel_props, flags, 8, 4)
FIELD_CASE(vstor_props_max_transfer_bytes, struct hvlis_vstor_channel_props, max_transfer_bytes, 12, 4)
SIZE_CASE(vstor_version_4, struct hvlis_vstor_version, 4)
FIELD_CASE(vstor_version_major_minor, struct hvlis_vstor_version, major_minor, 0, 2)
FIELD_CASE(vstor_version_revision, struct hvlis_vstor_version, revision, 2, 2)
SIZE_CASE(vstor_fc_wwn_36, struct hvlis_vstor_fc_wwn, 36)
FIELD_CASE(vstor_wwn_primary_active, struct hvlis_vstor_fc_wwn, primary_active, 0, 1)
FIELD_CASE(vstor_wwn_primary_port, struct hvlis_vstor_fc_wwn, primary_port_wwn, 4, 8)
FIELD_CASE(vstor_wwn_primary_node, struct hvlis_vstor_fc_wwn, primary_node_wwn, 12, 8)
FIELD_CASE(vstor_wwn_secondary_port, struct hvlis_vstor_fc_wwn, secondary_port_wwn, 20, 8)
FIELD_CASE(vstor_wwn_secondary_node, struct hvlis_vstor_fc_wwn, secondary_node_wwn, 28, 8)
SIZE_CASE(vstor_offer_props_24, struct hvlis_vstor_offer_props, 24)
FIELD_CASE(vstor_offer_path_id, struct hvlis_vstor_offer_props, path_id, 2, 1)
FIELD_CASE(vstor_offer_target_id, struct hvlis_vstor_offer_props, target_id, 3, 1)
FIELD_CASE(vstor_offer_flags, struct hvlis_vstor_offer_props, flags, 8, 4)

TEST(vstor_operation_numbers)
{
	CHECK_EQ(HVLIS_VSTOR_OP_COMPLETE_IO, 1);
	CHECK_EQ(HVLIS_VSTOR_OP_REMOVE_DEVICE, 2);
	CHECK_EQ(HVLIS_VSTOR_OP_EXECUTE_SRB, 3);
	CHECK_EQ(HVLIS_VSTOR_OP_RESET_LUN, 4);
	CHECK_EQ(HVLIS_VSTOR_OP_RESET_ADAPTER, 5);
	CHECK_EQ(HVLIS_VSTOR_OP_RESET_BUS, 6);
	CHECK_EQ(HVLIS_VSTOR_OP_BEGIN_INITIALIZATION, 7);
	CHECK_EQ(HVLIS_VSTOR_OP_END_INITIALIZATION, 8);
	CHECK_EQ(HVLIS_VSTOR_OP_QUERY_PROTOCOL_VERSION, 9);
	CHECK_EQ(HVLIS_VSTOR_OP_QUERY_PROPERTIES, 10);
	CHECK_EQ(HVLIS_VSTOR_OP_ENUMERATE_BUS, 11);
	CHECK_EQ(HVLIS_VSTOR_OP_FCHBA_DATA, 12);
	CHECK_EQ(HVLIS_VSTOR_OP_CREATE_SUB_CHANNELS, 13);
	CHECK_EQ(HVLIS_VSTOR_FLAG_REQUEST_COMPLETION, 1);
	CHECK_EQ(HVLIS_VSTOR_STATUS_REVISION_MISMATCH, 0xc0000059u);
}

TEST(vstor_version_encoding)
{
	CHECK_EQ(HVLIS_VSTOR_WIN6, 0x0200);
	CHECK_EQ(HVLIS_VSTOR_WIN7, 0x0402);
	CHECK_EQ(HVLIS_VSTOR_WIN8, 0x0501);
	CHECK_EQ(HVLIS_VSTOR_WIN8_1, 0x0600);
	CHECK_EQ(HVLIS_VSTOR_WIN10, 0x0602);
	CHECK_EQ(HVLIS_VSTOR_VERSION_MAJOR(HVLIS_VSTOR_WIN7), 4);
	CHECK_EQ(HVLIS_VSTOR_VERSION_MINOR(HVLIS_VSTOR_WIN7), 2);
}

TEST(vstor_sizes_per_version)
{
	/* Before WIN8 the SRB lacks its 16-byte extension on the wire. */
	CHECK_EQ(hvlis_vstor_packet_size(HVLIS_VSTOR_WIN6), 48);
	CHECK_EQ(hvlis_vstor_packet_size(HVLIS_VSTOR_WIN7), 48);
	CHECK_EQ(hvlis_vstor_packet_size(HVLIS_VSTOR_WIN8), 64);
	CHECK_EQ(hvlis_vstor_packet_size(HVLIS_VSTOR_WIN8_1), 64);
	CHECK_EQ(hvlis_vstor_packet_size(HVLIS_VSTOR_WIN10), 64);
	CHECK_EQ(hvlis_vstor_sense_size(HVLIS_VSTOR_WIN6), 18);
	CHECK_EQ(hvlis_vstor_sense_size(HVLIS_VSTOR_WIN7), 18);
	CHECK_EQ(hvlis_vstor_sense_size(HVLIS_VSTOR_WIN8), 20);
	CHECK_EQ(hvlis_vstor_sense_size(HVLIS_VSTOR_WIN10), 20);
	CHECK_EQ(HVLIS_VSTOR_SRB_SIZE_PRE_WIN8 + HVLIS_VSTOR_WIN8_EXT_SIZE,
		 HVLIS_VSTOR_SRB_SIZE_WIN8);
	CHECK_EQ(HVLIS_VSTOR_PACKET_SIZE_PRE_WIN8 + HVLIS_VSTOR_WIN8_EXT_SIZE,
		 HVLIS_VSTOR_PACKET_SIZE_WIN8);
}

TEST(vstor_srb_status_and_flags)
{
	CHECK_EQ(HVLIS_SRB_STATUS_SUCCESS, 0x01);
	CHECK_EQ(HVLIS_SRB_STATUS_ABORTED, 0x02);
	CHECK_EQ(HVLIS_SRB_STATUS_ERROR, 0x04);
	CHECK_EQ(HVLIS_SRB_STATUS_INVALID_REQUEST, 0x06);
	CHECK_EQ(HVLIS_SRB_STATUS_NO_DEVICE, 0x08);
	CHECK_EQ(HVLIS_SRB_STATUS_TIMEOUT, 0x09);
	CHECK_EQ(HVLIS_SRB_STATUS_SELECTION_TIMEOUT, 0x0a);
	CHECK_EQ(HVLIS_SRB_STATUS_BUS_RESET, 0x0e);
	CHECK_EQ(HVLIS_SRB_STATUS_DATA_OVERRUN, 0x12);
	CHECK_EQ(HVLIS_SRB_STATUS_INVALID_LUN, 0x20);
	CHECK_EQ(HVLIS_SRB_STATUS_QUEUE_FROZEN, 0x40);
	CHECK_EQ(HVLIS_SRB_STATUS_AUTOSENSE_VALID, 0x80);
	CHECK_EQ(HVLIS_SRB_STATUS_CODE(0x84), HVLIS_SRB_STATUS_ERROR);
	CHECK_EQ(HVLIS_SRB_STATUS_CODE(0xc1), HVLIS_SRB_STATUS_SUCCESS);
	CHECK_EQ(HVLIS_SRB_FLAGS_DISABLE_AUTOSENSE, 0x20);
	CHECK_EQ(HVLIS_SRB_FLAGS_DATA_IN, 0x40);
	CHECK_EQ(HVLIS_SRB_FLAGS_DATA_OUT, 0x80);
	CHECK_EQ(HVLIS_VSTOR_DATA_OUT, 0);
	CHECK_EQ(HVLIS_VSTOR_DATA_IN, 1);
	CHECK_EQ(HVLIS_VSTOR_PROP_MULTI_CHANNEL, 1);
	CHECK_EQ(HVLIS_VSTOR_OFFER_EMULATED_IDE, 2);
}

TEST(vstor_guid_wire_bytes)
{
	static const u8 scsi[16] = { 0xd9, 0x63, 0x61, 0xba, 0xa1, 0x04, 0x29, 0x4d,
				     0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f };
	static const u8 ide[16] = { 0x32, 0x26, 0x41, 0x32, 0xcb, 0x86, 0xa2, 0x44,
				    0x9b, 0x5c, 0x50, 0xd1, 0x41, 0x73, 0x54, 0xf5 };
	static const u8 fc[16] = { 0x4a, 0xcc, 0x9b, 0x2f, 0x69, 0x00, 0xf3, 0x4a,
				   0xb7, 0x6b, 0x6f, 0xd0, 0xbe, 0x52, 0x8c, 0xda };
	struct hvlis_guid g_scsi = HVLIS_GUID_SCSI, g_ide = HVLIS_GUID_IDE;
	struct hvlis_guid g_fc = HVLIS_GUID_FC;

	CHECK_MEM_EQ(g_scsi.b, scsi, 16);
	CHECK_MEM_EQ(g_ide.b, ide, 16);
	CHECK_MEM_EQ(g_fc.b, fc, 16);
}

TEST(vstor_gpa_direct_layout)
{
	/* An EXECUTE_SRB with data: header, one range of n PFNs, the packet. */
	size_t hdr = sizeof(struct hvlis_gpa_direct_header) +
		     sizeof(struct hvlis_gpa_range) + 3 * sizeof(u64);

	CHECK_EQ(sizeof(struct hvlis_gpa_direct_header), 24);
	CHECK_EQ(sizeof(struct hvlis_gpa_range), 8);
	CHECK_EQ(offsetof(struct hvlis_gpa_range, pfn_array), 8);
	CHECK_EQ(hdr, 56);
	CHECK_EQ(hdr % 8, 0);
}

/* ---- NVSP (network): message, bodies, versions, numbers */
SIZE_CASE(nvsp_msg_40, struct hvlis_nvsp_msg, 40)
FIELD_CASE(nvsp_msg_type, struct hvlis_nvsp_msg, type, 0, 4)
FIELD_CASE(nvsp_msg_body, struct hvlis_nvsp_msg, body, 4, 36)
FIELD_CASE(nvsp_init_min, struct hvlis_nvsp_msg, init.min_version, 4, 4)
FIELD_CASE(nvsp_init_max, struct hvlis_nvsp_msg, init.max_version, 8, 4)
FIELD_CASE(nvsp_init_complete_status, struct hvlis_nvsp_msg, init_complete.status, 12, 4)
FIELD_CASE(nvsp_buf_gpadl, struct hvlis_nvsp_msg, buf.gpadl, 4, 4)
FIELD_CASE(nvsp_buf_id, struct hvlis_nvsp_msg, buf.id, 8, 2)
FIELD_CASE(nvsp_recv_complete_count, struct hvlis_nvsp_msg, recv_buf_complete.section_count, 8, 4)
FIELD_CASE(nvsp_recv_complete_section, struct hvlis_nvsp_msg, recv_buf_complete.sections, 12, 16)
FIELD_CASE(nvsp_section_slot_size, struct hvlis_nvsp_recv_section, slot_size, 4, 4)
FIELD_CASE(nvsp_section_end, struct hvlis_nvsp_recv_section, end_offset, 12, 4)
FIELD_CASE(nvsp_send_complete_size, struct hvlis_nvsp_msg, send_buf_complete.section_size, 8, 4)
FIELD_CASE(nvsp_rndis_channel_type, struct hvlis_nvsp_msg, rndis_pkt.channel_type, 4, 4)
FIELD_CASE(nvsp_rndis_section_index, struct hvlis_nvsp_msg, rndis_pkt.section_index, 8, 4)
FIELD_CASE(nvsp_rndis_section_size, struct hvlis_nvsp_msg, rndis_pkt.section_size, 12, 4)
FIELD_CASE(nvsp_ndis_config_mtu, struct hvlis_nvsp_msg, ndis_config.mtu, 4, 4)
FIELD_CASE(nvsp_ndis_config_caps, struct hvlis_nvsp_msg, ndis_config.capabilities, 12, 8)
FIELD_CASE(nvsp_subchannel_count, struct hvlis_nvsp_msg, subchannel_req.count, 8, 4)
FIELD_CASE(nvsp_send_table_offset, struct hvlis_nvsp_msg, send_table.offset, 8, 4)

TEST(nvsp_numbers)
{
	CHECK_EQ(HVLIS_NVSP_V1, 0x2);
	CHECK_EQ(HVLIS_NVSP_V2, 0x30002);
	CHECK_EQ(HVLIS_NVSP_V4, 0x40000);
	CHECK_EQ(HVLIS_NVSP_V5, 0x50000);
	CHECK_EQ(HVLIS_NVSP_V6, 0x60000);
	CHECK_EQ(HVLIS_NVSP_V61, 0x60001);
	CHECK_EQ(HVLIS_NDIS_6_1, 0x60001);
	CHECK_EQ(HVLIS_NDIS_6_30, 0x6001e);
	CHECK_EQ(HVLIS_NVSP1_SEND_NDIS_VERSION, 100);
	CHECK_EQ(HVLIS_NVSP1_SEND_RNDIS_PKT_COMPLETE, 108);
	CHECK_EQ(HVLIS_NVSP2_SEND_NDIS_CONFIG, 125);
	CHECK_EQ(HVLIS_NVSP4_SEND_VF_ASSOCIATION, 128);
	CHECK_EQ(HVLIS_NVSP5_SUBCHANNEL, 133);
	CHECK_EQ(HVLIS_NVSP5_SEND_INDIRECTION_TABLE, 134);
	CHECK_EQ(HVLIS_NVSP_CAP_SRIOV, 0x4);
	CHECK_EQ(HVLIS_NVSP_CAP_IEEE8021Q, 0x8);
}

TEST(network_guid_wire_bytes)
{
	static const u8 net[16] = { 0x63, 0x51, 0x61, 0xf8, 0x3e, 0xdf, 0xc5, 0x46,
				    0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e };
	struct hvlis_guid g = HVLIS_GUID_NETWORK;

	CHECK_MEM_EQ(g.b, net, 16);
}

/* ---- RNDIS: header, data message, per-packet info, control, NDIS objects */
SIZE_CASE(rndis_hdr_8, struct hvlis_rndis_hdr, 8)
SIZE_CASE(rndis_packet_44, struct hvlis_rndis_packet, 44)
FIELD_CASE(rndis_packet_data_offset, struct hvlis_rndis_packet, data_offset, 8, 4)
FIELD_CASE(rndis_packet_data_len, struct hvlis_rndis_packet, data_len, 12, 4)
FIELD_CASE(rndis_packet_ppi_offset, struct hvlis_rndis_packet, ppi_offset, 28, 4)
FIELD_CASE(rndis_packet_ppi_len, struct hvlis_rndis_packet, ppi_len, 32, 4)
SIZE_CASE(rndis_ppi_12, struct hvlis_rndis_ppi, 12)
FIELD_CASE(rndis_ppi_data_offset, struct hvlis_rndis_ppi, data_offset, 8, 4)
SIZE_CASE(rndis_init_req_24, struct hvlis_rndis_init_req, 24)
FIELD_CASE(rndis_init_req_max_xfer, struct hvlis_rndis_init_req, max_xfer_size, 20, 4)
SIZE_CASE(rndis_init_cmplt_52, struct hvlis_rndis_init_cmplt, 52)
FIELD_CASE(rndis_init_cmplt_status, struct hvlis_rndis_init_cmplt, status, 12, 4)
FIELD_CASE(rndis_init_cmplt_medium, struct hvlis_rndis_init_cmplt, medium, 28, 4)
FIELD_CASE(rndis_init_cmplt_align, struct hvlis_rndis_init_cmplt, pkt_align_shift, 40, 4)
SIZE_CASE(rndis_oid_req_28, struct hvlis_rndis_oid_req, 28)
FIELD_CASE(rndis_oid_req_oid, struct hvlis_rndis_oid_req, oid, 12, 4)
FIELD_CASE(rndis_oid_req_info_offset, struct hvlis_rndis_oid_req, info_offset, 20, 4)
SIZE_CASE(rndis_query_cmplt_24, struct hvlis_rndis_query_cmplt, 24)
FIELD_CASE(rndis_query_cmplt_info_len, struct hvlis_rndis_query_cmplt, info_len, 16, 4)
SIZE_CASE(rndis_cmplt_16, struct hvlis_rndis_cmplt, 16)
SIZE_CASE(rndis_indicate_20, struct hvlis_rndis_indicate, 20)
FIELD_CASE(rndis_indicate_status, struct hvlis_rndis_indicate, status, 8, 4)
SIZE_CASE(ndis_offload_params_28, struct hvlis_ndis_offload_params, 28)
FIELD_CASE(ndis_offload_params_lsov2_ip6, struct hvlis_ndis_offload_params, lsov2_ip6, 12, 1)
FIELD_CASE(ndis_offload_params_flags, struct hvlis_ndis_offload_params, flags, 16, 4)
FIELD_CASE(ndis_offload_params_rsc_ip6, struct hvlis_ndis_offload_params, rsc_ip6, 23, 1)
SIZE_CASE(ndis_rss_caps_18, struct hvlis_ndis_rss_caps, 18)
SIZE_CASE(ndis_rss_params_40, struct hvlis_ndis_rss_params, 40)
FIELD_CASE(ndis_rss_params_table_offset, struct hvlis_ndis_rss_params, table_offset, 16, 4)
FIELD_CASE(ndis_rss_params_key_offset, struct hvlis_ndis_rss_params, key_offset, 24, 4)
FIELD_CASE(ndis_rss_params_cpu_mask_size, struct hvlis_ndis_rss_params, cpu_mask_entry_size, 36, 4)

TEST(rndis_numbers)
{
	CHECK_EQ(HVLIS_RNDIS_OID_REQ_INFO_OFFSET, 20);
	CHECK_EQ(HVLIS_RNDIS_INITIALIZE_CMPLT, HVLIS_RNDIS_INITIALIZE_MSG | HVLIS_RNDIS_CMPLT);
	CHECK_EQ(HVLIS_RNDIS_QUERY_CMPLT, HVLIS_RNDIS_QUERY_MSG | HVLIS_RNDIS_CMPLT);
	CHECK_EQ(HVLIS_RNDIS_SET_CMPLT, HVLIS_RNDIS_SET_MSG | HVLIS_RNDIS_CMPLT);
	CHECK_EQ(HVLIS_OID_802_3_PERMANENT_ADDRESS, 0x01010101);
	CHECK_EQ(HVLIS_OID_GEN_RECEIVE_SCALE_PARAMETERS, 0x00010204);
	CHECK_EQ(HVLIS_RNDIS_STATUS_MEDIA_CONNECT, 0x4001000b);
	CHECK_EQ(HVLIS_PPI_VLAN, 6);
	CHECK_EQ(HVLIS_PPI_HASH_INFO, 9);
}

HVTEST_MAIN()
