/*-------------------------------------------------------------------------
 *
 * avro_canonical.c
 *		  The Parsing Canonical Form of Avro schemas (specification 1.11)
 *		  and the CRC-64-AVRO ("Rabin") fingerprint.
 *
 * Two schemas that differ only in what the specification calls irrelevant
 * to reading (doc, aliases, namespaces spelled out or inherited, defaults,
 * white space, attribute order) have the same canonical form, and so the
 * same fingerprint: what single-object encoding puts in front of each
 * message.  The transformations are the specification's, by name:
 * [PRIMITIVES] [FULLNAMES] [STRIP] [ORDER] [STRINGS] [INTEGERS]
 * [WHITESPACE].  A named type is written in full where it first appears
 * and by its full name after that, which also ends recursive schemas.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_canonical.h"

#include <stdio.h>
#include <string.h>

#include "core/map.h"

/* ------------------------------------------------------------------------
 * Parsing Canonical Form
 * ------------------------------------------------------------------------
 */


/*
 * Add a full name to those already written (later occurrences are just
 * the name); false if it was there already.
 */
static bool
nameset_add(MeshMap *seen, const char *name)
{
	if (mesh_map_get(seen, name, NULL, 0) != NULL)
		return false;
	mesh_map_put(seen, name, NULL, 0, (void *) name);
	return true;
}

static void
append_string(MeshBuf *buf, const char *s)
{
	mesh_buf_append_json_string(buf, s, strlen(s));
}

/* The comma before each element of a list but the first. */
static void
append_comma(MeshBuf *buf, int i)
{
	if (i > 0)
		mesh_buf_append_char(buf, ',');
}

/*
 * [PRIMITIVES] simple names; [FULLNAMES] full names, no "namespace";
 * [STRIP] and [ORDER] name, type, fields, symbols, items, values, size;
 * [STRINGS] our strings hold no escapes; [INTEGERS] size in decimal;
 * [WHITESPACE] none.
 */
static void
canonical_write(MeshBuf *buf, const MeshAvroType *t, MeshMap *seen)
{
	const char *fullname;
	int			i;
	char		num[16];

	switch (t->kind)
	{
		case AVRO_NULL:
		case AVRO_BOOLEAN:
		case AVRO_INT:
		case AVRO_LONG:
		case AVRO_FLOAT:
		case AVRO_DOUBLE:
		case AVRO_BYTES:
		case AVRO_STRING:
			append_string(buf, mesh_avro_kind_name(t->kind));
			return;
		case AVRO_ARRAY:
			mesh_buf_append_str(buf, "{\"type\":\"array\",\"items\":");
			canonical_write(buf, t->items, seen);
			mesh_buf_append_char(buf, '}');
			return;
		case AVRO_MAP:
			mesh_buf_append_str(buf, "{\"type\":\"map\",\"values\":");
			canonical_write(buf, t->values, seen);
			mesh_buf_append_char(buf, '}');
			return;
		case AVRO_UNION:
			mesh_buf_append_char(buf, '[');
			for (i = 0; i < t->nbranches; i++)
			{
				append_comma(buf, i);
				canonical_write(buf, t->branches[i], seen);
			}
			mesh_buf_append_char(buf, ']');
			return;
		case AVRO_RECORD:
		case AVRO_ENUM:
		case AVRO_FIXED:
			break;
	}

	/* a named type: in full the first time only, which also ends cycles */
	fullname = t->fullname != NULL ? t->fullname : t->name != NULL ? t->name : "";
	if (!nameset_add(seen, fullname))
	{
		append_string(buf, fullname);
		return;
	}
	mesh_buf_append_str(buf, "{\"name\":");
	append_string(buf, fullname);
	mesh_buf_append_str(buf, ",\"type\":");
	append_string(buf, mesh_avro_kind_name(t->kind));
	if (t->kind == AVRO_RECORD)
	{
		mesh_buf_append_str(buf, ",\"fields\":[");
		for (i = 0; i < t->nfields; i++)
		{
			append_comma(buf, i);
			mesh_buf_append_str(buf, "{\"name\":");
			append_string(buf, t->fields[i].name);
			mesh_buf_append_str(buf, ",\"type\":");
			canonical_write(buf, t->fields[i].type, seen);
			mesh_buf_append_char(buf, '}');
		}
		mesh_buf_append_char(buf, ']');
	}
	else if (t->kind == AVRO_ENUM)
	{
		mesh_buf_append_str(buf, ",\"symbols\":[");
		for (i = 0; i < t->nsymbols; i++)
		{
			append_comma(buf, i);
			append_string(buf, t->symbols[i]);
		}
		mesh_buf_append_char(buf, ']');
	}
	else
	{
		snprintf(num, sizeof(num), "%d", t->size);
		mesh_buf_append_str(buf, ",\"size\":");
		mesh_buf_append_str(buf, num);
	}
	mesh_buf_append_char(buf, '}');
}

char *
mesh_avro_canonical_form(const MeshAvroType *schema)
{
	MeshBuf		buf;
	MeshMap		seen;

	mesh_buf_init(&buf);
	mesh_map_init(&seen, true, 0);
	if (schema != NULL)
		canonical_write(&buf, schema, &seen);
	mesh_map_free(&seen);
	return buf.data;
}

/* ------------------------------------------------------------------------
 * CRC-64-AVRO
 * ------------------------------------------------------------------------
 */

/*
 * The specification's fingerprint table: entry i is i shifted right 8
 * times, each time XORed with EMPTY (0xc15d213aa4d7a795) when a 1 bit
 * falls off.  Precomputed so that there is no lazy initialization; the
 * unit tests recompute it.
 */
static const uint64_t crc64_avro_table[256] = {
	UINT64_C(0x0000000000000000), UINT64_C(0x2cf1cba6b75351fa), UINT64_C(0x59e3974d6ea6a3f4),
	UINT64_C(0x75125cebd9f5f20e), UINT64_C(0xb3c72e9add4d47e8), UINT64_C(0x9f36e53c6a1e1612),
	UINT64_C(0xea24b9d7b3ebe41c), UINT64_C(0xc6d5727104b8b5e6), UINT64_C(0xe5341f40f335c0fb),
	UINT64_C(0xc9c5d4e644669101), UINT64_C(0xbcd7880d9d93630f), UINT64_C(0x902643ab2ac032f5),
	UINT64_C(0x56f331da2e788713), UINT64_C(0x7a02fa7c992bd6e9), UINT64_C(0x0f10a69740de24e7),
	UINT64_C(0x23e16d31f78d751d), UINT64_C(0x48d27cf4afc4cedd), UINT64_C(0x6423b75218979f27),
	UINT64_C(0x1131ebb9c1626d29), UINT64_C(0x3dc0201f76313cd3), UINT64_C(0xfb15526e72898935),
	UINT64_C(0xd7e499c8c5dad8cf), UINT64_C(0xa2f6c5231c2f2ac1), UINT64_C(0x8e070e85ab7c7b3b),
	UINT64_C(0xade663b45cf10e26), UINT64_C(0x8117a812eba25fdc), UINT64_C(0xf405f4f93257add2),
	UINT64_C(0xd8f43f5f8504fc28), UINT64_C(0x1e214d2e81bc49ce), UINT64_C(0x32d0868836ef1834),
	UINT64_C(0x47c2da63ef1aea3a), UINT64_C(0x6b3311c55849bbc0), UINT64_C(0x91a4f9e95f899dba),
	UINT64_C(0xbd55324fe8dacc40), UINT64_C(0xc8476ea4312f3e4e), UINT64_C(0xe4b6a502867c6fb4),
	UINT64_C(0x2263d77382c4da52), UINT64_C(0x0e921cd535978ba8), UINT64_C(0x7b80403eec6279a6),
	UINT64_C(0x57718b985b31285c), UINT64_C(0x7490e6a9acbc5d41), UINT64_C(0x58612d0f1bef0cbb),
	UINT64_C(0x2d7371e4c21afeb5), UINT64_C(0x0182ba427549af4f), UINT64_C(0xc757c83371f11aa9),
	UINT64_C(0xeba60395c6a24b53), UINT64_C(0x9eb45f7e1f57b95d), UINT64_C(0xb24594d8a804e8a7),
	UINT64_C(0xd976851df04d5367), UINT64_C(0xf5874ebb471e029d), UINT64_C(0x809512509eebf093),
	UINT64_C(0xac64d9f629b8a169), UINT64_C(0x6ab1ab872d00148f), UINT64_C(0x464060219a534575),
	UINT64_C(0x33523cca43a6b77b), UINT64_C(0x1fa3f76cf4f5e681), UINT64_C(0x3c429a5d0378939c),
	UINT64_C(0x10b351fbb42bc266), UINT64_C(0x65a10d106dde3068), UINT64_C(0x4950c6b6da8d6192),
	UINT64_C(0x8f85b4c7de35d474), UINT64_C(0xa3747f616966858e), UINT64_C(0xd666238ab0937780),
	UINT64_C(0xfa97e82c07c0267a), UINT64_C(0xa1f3b1a7f6bc745f), UINT64_C(0x8d027a0141ef25a5),
	UINT64_C(0xf81026ea981ad7ab), UINT64_C(0xd4e1ed4c2f498651), UINT64_C(0x12349f3d2bf133b7),
	UINT64_C(0x3ec5549b9ca2624d), UINT64_C(0x4bd7087045579043), UINT64_C(0x6726c3d6f204c1b9),
	UINT64_C(0x44c7aee70589b4a4), UINT64_C(0x68366541b2dae55e), UINT64_C(0x1d2439aa6b2f1750),
	UINT64_C(0x31d5f20cdc7c46aa), UINT64_C(0xf700807dd8c4f34c), UINT64_C(0xdbf14bdb6f97a2b6),
	UINT64_C(0xaee31730b66250b8), UINT64_C(0x8212dc9601310142), UINT64_C(0xe921cd535978ba82),
	UINT64_C(0xc5d006f5ee2beb78), UINT64_C(0xb0c25a1e37de1976), UINT64_C(0x9c3391b8808d488c),
	UINT64_C(0x5ae6e3c98435fd6a), UINT64_C(0x7617286f3366ac90), UINT64_C(0x03057484ea935e9e),
	UINT64_C(0x2ff4bf225dc00f64), UINT64_C(0x0c15d213aa4d7a79), UINT64_C(0x20e419b51d1e2b83),
	UINT64_C(0x55f6455ec4ebd98d), UINT64_C(0x79078ef873b88877), UINT64_C(0xbfd2fc8977003d91),
	UINT64_C(0x9323372fc0536c6b), UINT64_C(0xe6316bc419a69e65), UINT64_C(0xcac0a062aef5cf9f),
	UINT64_C(0x3057484ea935e9e5), UINT64_C(0x1ca683e81e66b81f), UINT64_C(0x69b4df03c7934a11),
	UINT64_C(0x454514a570c01beb), UINT64_C(0x839066d47478ae0d), UINT64_C(0xaf61ad72c32bfff7),
	UINT64_C(0xda73f1991ade0df9), UINT64_C(0xf6823a3fad8d5c03), UINT64_C(0xd563570e5a00291e),
	UINT64_C(0xf9929ca8ed5378e4), UINT64_C(0x8c80c04334a68aea), UINT64_C(0xa0710be583f5db10),
	UINT64_C(0x66a47994874d6ef6), UINT64_C(0x4a55b232301e3f0c), UINT64_C(0x3f47eed9e9ebcd02),
	UINT64_C(0x13b6257f5eb89cf8), UINT64_C(0x788534ba06f12738), UINT64_C(0x5474ff1cb1a276c2),
	UINT64_C(0x2166a3f7685784cc), UINT64_C(0x0d976851df04d536), UINT64_C(0xcb421a20dbbc60d0),
	UINT64_C(0xe7b3d1866cef312a), UINT64_C(0x92a18d6db51ac324), UINT64_C(0xbe5046cb024992de),
	UINT64_C(0x9db12bfaf5c4e7c3), UINT64_C(0xb140e05c4297b639), UINT64_C(0xc452bcb79b624437),
	UINT64_C(0xe8a377112c3115cd), UINT64_C(0x2e7605602889a02b), UINT64_C(0x0287cec69fdaf1d1),
	UINT64_C(0x7795922d462f03df), UINT64_C(0x5b64598bf17c5225), UINT64_C(0xc15d213aa4d7a795),
	UINT64_C(0xedacea9c1384f66f), UINT64_C(0x98beb677ca710461), UINT64_C(0xb44f7dd17d22559b),
	UINT64_C(0x729a0fa0799ae07d), UINT64_C(0x5e6bc406cec9b187), UINT64_C(0x2b7998ed173c4389),
	UINT64_C(0x0788534ba06f1273), UINT64_C(0x24693e7a57e2676e), UINT64_C(0x0898f5dce0b13694),
	UINT64_C(0x7d8aa9373944c49a), UINT64_C(0x517b62918e179560), UINT64_C(0x97ae10e08aaf2086),
	UINT64_C(0xbb5fdb463dfc717c), UINT64_C(0xce4d87ade4098372), UINT64_C(0xe2bc4c0b535ad288),
	UINT64_C(0x898f5dce0b136948), UINT64_C(0xa57e9668bc4038b2), UINT64_C(0xd06cca8365b5cabc),
	UINT64_C(0xfc9d0125d2e69b46), UINT64_C(0x3a487354d65e2ea0), UINT64_C(0x16b9b8f2610d7f5a),
	UINT64_C(0x63abe419b8f88d54), UINT64_C(0x4f5a2fbf0fabdcae), UINT64_C(0x6cbb428ef826a9b3),
	UINT64_C(0x404a89284f75f849), UINT64_C(0x3558d5c396800a47), UINT64_C(0x19a91e6521d35bbd),
	UINT64_C(0xdf7c6c14256bee5b), UINT64_C(0xf38da7b29238bfa1), UINT64_C(0x869ffb594bcd4daf),
	UINT64_C(0xaa6e30fffc9e1c55), UINT64_C(0x50f9d8d3fb5e3a2f), UINT64_C(0x7c0813754c0d6bd5),
	UINT64_C(0x091a4f9e95f899db), UINT64_C(0x25eb843822abc821), UINT64_C(0xe33ef64926137dc7),
	UINT64_C(0xcfcf3def91402c3d), UINT64_C(0xbadd610448b5de33), UINT64_C(0x962caaa2ffe68fc9),
	UINT64_C(0xb5cdc793086bfad4), UINT64_C(0x993c0c35bf38ab2e), UINT64_C(0xec2e50de66cd5920),
	UINT64_C(0xc0df9b78d19e08da), UINT64_C(0x060ae909d526bd3c), UINT64_C(0x2afb22af6275ecc6),
	UINT64_C(0x5fe97e44bb801ec8), UINT64_C(0x7318b5e20cd34f32), UINT64_C(0x182ba427549af4f2),
	UINT64_C(0x34da6f81e3c9a508), UINT64_C(0x41c8336a3a3c5706), UINT64_C(0x6d39f8cc8d6f06fc),
	UINT64_C(0xabec8abd89d7b31a), UINT64_C(0x871d411b3e84e2e0), UINT64_C(0xf20f1df0e77110ee),
	UINT64_C(0xdefed65650224114), UINT64_C(0xfd1fbb67a7af3409), UINT64_C(0xd1ee70c110fc65f3),
	UINT64_C(0xa4fc2c2ac90997fd), UINT64_C(0x880de78c7e5ac607), UINT64_C(0x4ed895fd7ae273e1),
	UINT64_C(0x62295e5bcdb1221b), UINT64_C(0x173b02b01444d015), UINT64_C(0x3bcac916a31781ef),
	UINT64_C(0x60ae909d526bd3ca), UINT64_C(0x4c5f5b3be5388230), UINT64_C(0x394d07d03ccd703e),
	UINT64_C(0x15bccc768b9e21c4), UINT64_C(0xd369be078f269422), UINT64_C(0xff9875a13875c5d8),
	UINT64_C(0x8a8a294ae18037d6), UINT64_C(0xa67be2ec56d3662c), UINT64_C(0x859a8fdda15e1331),
	UINT64_C(0xa96b447b160d42cb), UINT64_C(0xdc791890cff8b0c5), UINT64_C(0xf088d33678abe13f),
	UINT64_C(0x365da1477c1354d9), UINT64_C(0x1aac6ae1cb400523), UINT64_C(0x6fbe360a12b5f72d),
	UINT64_C(0x434ffdaca5e6a6d7), UINT64_C(0x287cec69fdaf1d17), UINT64_C(0x048d27cf4afc4ced),
	UINT64_C(0x719f7b249309bee3), UINT64_C(0x5d6eb082245aef19), UINT64_C(0x9bbbc2f320e25aff),
	UINT64_C(0xb74a095597b10b05), UINT64_C(0xc25855be4e44f90b), UINT64_C(0xeea99e18f917a8f1),
	UINT64_C(0xcd48f3290e9addec), UINT64_C(0xe1b9388fb9c98c16), UINT64_C(0x94ab6464603c7e18),
	UINT64_C(0xb85aafc2d76f2fe2), UINT64_C(0x7e8fddb3d3d79a04), UINT64_C(0x527e16156484cbfe),
	UINT64_C(0x276c4afebd7139f0), UINT64_C(0x0b9d81580a22680a), UINT64_C(0xf10a69740de24e70),
	UINT64_C(0xddfba2d2bab11f8a), UINT64_C(0xa8e9fe396344ed84), UINT64_C(0x8418359fd417bc7e),
	UINT64_C(0x42cd47eed0af0998), UINT64_C(0x6e3c8c4867fc5862), UINT64_C(0x1b2ed0a3be09aa6c),
	UINT64_C(0x37df1b05095afb96), UINT64_C(0x143e7634fed78e8b), UINT64_C(0x38cfbd924984df71),
	UINT64_C(0x4ddde17990712d7f), UINT64_C(0x612c2adf27227c85), UINT64_C(0xa7f958ae239ac963),
	UINT64_C(0x8b08930894c99899), UINT64_C(0xfe1acfe34d3c6a97), UINT64_C(0xd2eb0445fa6f3b6d),
	UINT64_C(0xb9d81580a22680ad), UINT64_C(0x9529de261575d157), UINT64_C(0xe03b82cdcc802359),
	UINT64_C(0xccca496b7bd372a3), UINT64_C(0x0a1f3b1a7f6bc745), UINT64_C(0x26eef0bcc83896bf),
	UINT64_C(0x53fcac5711cd64b1), UINT64_C(0x7f0d67f1a69e354b), UINT64_C(0x5cec0ac051134056),
	UINT64_C(0x701dc166e64011ac), UINT64_C(0x050f9d8d3fb5e3a2), UINT64_C(0x29fe562b88e6b258),
	UINT64_C(0xef2b245a8c5e07be), UINT64_C(0xc3daeffc3b0d5644), UINT64_C(0xb6c8b317e2f8a44a),
	UINT64_C(0x9a3978b155abf5b0)
};

uint64_t
mesh_avro_fingerprint(const char *data, size_t len)
{
	const unsigned char *s = (const unsigned char *) data;
	uint64_t	fp = UINT64_C(0xc15d213aa4d7a795);
	size_t		i;

	for (i = 0; i < len; i++)
		fp = (fp >> 8) ^ crc64_avro_table[(fp ^ s[i]) & 0xff];
	return fp;
}
