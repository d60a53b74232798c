/* seed.c: demo data for the replica — a development tool, never installed
 *
 * `seed --orders N --seed S [--now "YYYY-MM-DD HH:MM"] [--manifest FILE]`
 * (build/seed, with the configuration in ORDERMEND_CONF, connecting as
 * [admin]) drops and recreates every table of schema/replica.sql and fills them with
 * a shop's last 90 days (--days): a catalogue, users, N orders with their items,
 * payments, refunds, shipments and tracking events, stock and its moves,
 * coupons, status history and the users' clicks.
 *
 * Design and caveats:
 * - One PRNG (splitmix64) keyed by (seed, stream, index): every product,
 *   user and order is a function of the seed, its index and now alone, so
 *   the same arguments give byte-identical tables.
 * - Orders are made one at a time in id order (ids follow created_at).
 *   Each is a plan of times (paid, shipped, every tracking event, delivered,
 *   completed, refunded ...); only what happened by now is written, so the
 *   status is where the plan stands at now, and the history rows, payments
 *   and moves agree with it by construction.
 * - Normal orders keep clear margins from every anomaly threshold: pending
 *   for under 10 minutes, paid and unshipped for under 20 hours, a tracking
 *   event at least every 14 hours, refunds settled within 5 hours, stock
 *   restocked before it could run out.  A few orders get a fault injected
 *   (the rates below).  The manifest is not the list of injections: each
 *   definition is evaluated over the rows as written (judge()), stock
 *   shortage at the end, when the inventory is known.
 * - inventory_moves.qty is signed: on_hand is the sum of inbound, outbound
 *   and adjust moves; reserved the sum of reserve, release and outbound
 *   moves (goods leave the shelf and the reservation together).
 * - Rows go out through Connector/C bulk array binding, BATCH rows per
 *   execute, one column-wise buffer set per table, a commit every
 *   COMMIT_EVERY orders.  Memory is the batch buffers, the catalogue, a
 *   counter per (sku, warehouse) and the manifest lists, whatever N is.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>
#include <mysql.h>

#include "core/buf.h"
#include "core/cfg.h"
#include "core/db.h"
#include "core/log.h"
#include "core/util.h"

#define MINUTE		60LL
#define HOUR		3600LL
#define DAY		86400LL
#define DAYS		90	/* orders are made over the last DAYS days */
#define MAX_DAYS	366
#define MAX_ORDERS	50000000LL	/* order_no keeps 8 digits of the id */
#define BATCH		2000		/* rows per bulk execute */
#define COMMIT_EVERY	20000		/* orders per transaction */
#define NCOUPONS	50
#define NWH		8
#define MAX_ITEMS	4
#define MAX_EVENTS	12
#define MAX_PAYS	8

typedef long long stamp;	/* seconds since 1970-01-01 00:00, shop time */

enum kind {
	K_UNPAID, K_PAYFAIL, K_DUP, K_NOTSHIP, K_STALL, K_STOCK, K_PRICE,
	K_ADDR, K_REFUND, NKINDS, K_NONE = NKINDS
};

/* Injected faults, as a live shop has them at any moment: a stream of
 * fresh trouble that people are still working through — the chance is
 * highest for an order whose trouble has just begun and halves every
 * tau * ln 2 after — over a thin backlog of forgotten ones; orders older
 * than max_age have reached their natural end.  An order aged a (from
 * min_age, when its kind's condition can begin, to max_age) gets the kind
 * with probability, per 10,000, fresh * exp(-(a - min_age) / tau) +
 * backlog.  At 2,000 orders a day: about 400 fresh cases and 200 old. */
static const struct kind_def {
	const char *name;
	int fresh, backlog;		/* per 10,000 orders of that age */
	stamp tau, min_age, max_age;
} kinds[NKINDS] = {
	{ "unpaid_timeout", 800, 4, 8 * HOUR, HOUR, 7 * DAY },
	{ "payment_failed", 600, 4, 3 * HOUR, 30 * MINUTE, 14 * DAY },
	{ "duplicate_payment", 200, 2, 3 * HOUR, HOUR, 30 * DAY },
	{ "not_shipped", 400, 8, 16 * HOUR, 2 * DAY + HOUR, 21 * DAY },
	{ "logistics_stalled", 300, 8, DAY, 4 * DAY, 30 * DAY },
	{ "stock_shortage", 300, 6, 12 * HOUR, HOUR, 10 * DAY },
	{ "price_anomaly", 300, 3, 6 * HOUR, 0, 30 * DAY },
	{ "address_problem", 400, 6, 8 * HOUR, HOUR, 15 * DAY },
	{ "refund_stuck", 300, 6, 12 * HOUR, DAY + 3 * HOUR, 30 * DAY },
};

/* How an order's life goes; the injected ones first break a normal life. */
enum path {
	P_NORMAL, P_UNPAID_CANCEL, P_PAID_CANCEL, P_REJECT, P_RETURN,
	P_NOPAY, P_HOLD, P_STALL, P_UNREACH, P_REFUND_STUCK
};

enum status {
	S_PENDING, S_PAID, S_SHIPPED, S_DELIVERED, S_COMPLETED, S_CANCELLED,
	S_REFUNDING, S_REFUNDED
};
static const char *const status_code[] = {
	"pending", "paid", "shipped", "delivered", "completed", "cancelled",
	"refunding", "refunded"
};

enum { PS_PENDING, PS_SUCCESS, PS_FAILED, PS_CLOSED };
static const char *const pay_status_code[] = {
	"pending", "success", "failed", "closed"
};

enum { RS_PENDING, RS_PROCESSING, RS_SUCCESS, RS_FAILED };
static const char *const refund_status_code[] = {
	"pending", "processing", "success", "failed"
};

enum {
	EV_PICKED_UP, EV_IN_TRANSIT, EV_ARRIVED, EV_OUT_FOR_DELIVERY,
	EV_DELIVERED, EV_UNREACHABLE, EV_RETURNED
};
static const char *const event_code[] = {
	"picked_up", "in_transit", "arrived", "out_for_delivery", "delivered",
	"unreachable", "returned"
};

/* --- randomness ------------------------------------------------------ */

struct rng {
	uint64_t s;
};

enum stream {
	R_CATALOGUE = 1, R_COUPON, R_USER, R_ORDER, R_STOCK, R_PERSON
};

static uint64_t seed_value;

static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* rng_for: the stream of one object, a function of (seed, stream, index). */
static void
rng_for(struct rng *r, enum stream what, uint64_t which)
{
	r->s = mix64(seed_value ^ mix64(((uint64_t)what << 56) ^ which));
}

static uint64_t
next64(struct rng *r)
{
	return mix64(r->s += 0x9e3779b97f4a7c15ULL);
}

/* below: uniform in [0, n) */
static uint64_t
below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)next64(r) * n) >> 64);
}

/* between: uniform in [lo, hi] */
static long long
between(struct rng *r, long long lo, long long hi)
{
	return lo + (long long)below(r, (uint64_t)(hi - lo + 1));
}

static int
chance(struct rng *r, int pct)
{
	return below(r, 100) < (uint64_t)pct;
}

static double
unit(struct rng *r)
{
	return (double)(next64(r) >> 11) * 0x1.0p-53;
}

static int
pick_weighted(struct rng *r, const int *w, int n)
{
	int i, total = 0, x;

	for (i = 0; i < n; i++)
		total += w[i];
	x = (int)below(r, (uint64_t)total);
	for (i = 0; x >= w[i]; i++)
		x -= w[i];
	return i;
}

/* --- word lists ------------------------------------------------------- */

/* A '|'-separated list, split into an array on first use. */
struct words {
	const char *src;
	char *buf;
	const char **v;
	size_t n;
	struct words *next;	/* every split list, to free them */
};
#define WORDS(s) { .src = (s) }

static struct words *split_lists;

static void
words_split(struct words *w)
{
	char *p;
	size_t n = 1;

	w->buf = xstrdup(w->src);
	for (p = w->buf; *p; p++)
		n += *p == '|';
	w->v = xmalloc(n * sizeof(*w->v));
	for (p = w->buf, w->n = 0; p; ) {
		w->v[w->n++] = p;
		if ((p = strchr(p, '|')) != NULL)
			*p++ = '\0';
	}
	w->next = split_lists;
	split_lists = w;
}

static size_t
words_n(struct words *w)
{
	if (w->v == NULL)
		words_split(w);
	return w->n;
}

static const char *
word(struct words *w, size_t i)
{
	return i < words_n(w) ? w->v[i] : "";
}

static const char *
pick(struct rng *r, struct words *w)
{
	return word(w, below(r, words_n(w)));
}

/* pick_skew: earlier entries more often (the lists put the common first). */
static const char *
pick_skew(struct rng *r, struct words *w)
{
	double u = unit(r);

	return word(w, (size_t)(u * u * (double)words_n(w)));
}

static void
words_free(void)
{
	struct words *w;

	while ((w = split_lists) != NULL) {
		split_lists = w->next;
		free(w->buf);
		free(w->v);
		w->buf = NULL;
		w->v = NULL;
	}
}

/* --- the shop's vocabulary --------------------------------------------- */

static struct words surnames = WORDS(
	"王|李|张|刘|陈|杨|黄|赵|吴|周|徐|孙|马|朱|胡|郭|何|林|罗|高|郑|梁|谢|宋|"
	"唐|韩|冯|于|董|萧|程|曹|袁|邓|许|傅|沈|曾|彭|吕|苏|卢|蒋|蔡|贾|丁|魏|薛|"
	"叶|阎|余|潘|杜|戴|夏|钟|汪|田|任|姜|范|方|石|姚|谭|廖|邹|熊|金|陆|郝|孔|"
	"白|崔|康|毛|邱|秦|江|史|顾|侯|邵|孟|龙|万|段|雷|钱|汤|尹|黎|易|常|武|乔|"
	"贺|赖|龚|文|欧阳|司马|诸葛|上官");
static struct words given = WORDS(
	"伟|芳|娜|敏|静|丽|强|磊|军|洋|勇|艳|杰|娟|涛|明|超|秀|霞|平|刚|桂|英|华|"
	"玉|兰|红|梅|鑫|斌|宇|浩|凯|鹏|飞|婷|雪|琳|晨|欣|怡|佳|子|涵|轩|思|雨|博|"
	"文|琪|俊|嘉|诗|一|诺|家|豪|天|佑|建|国|志|辉|海|波|晶|颖|瑶|峰|晓|丹|亮|"
	"倩|璐|萱|泽|睿|然|宁|彤|昊|铭|悦|蕾|坤|旭|阳|逸|安|雅|慧|梓|沐|若|晴");
static struct words mobile_prefixes = WORDS(
	"138|139|137|136|135|134|150|151|152|157|158|159|182|183|187|188|130|131|"
	"132|155|156|185|186|166|133|153|180|181|189|177|173|199|191|193|195|196|"
	"197|198|172|175|176|178|145|147|184");
static struct words communities = WORDS(
	"阳光花园|幸福里小区|锦绣家园|翠苑小区|金色家园|万科城|碧桂园|保利花园|"
	"绿地世纪城|华润城|龙湖春江郦城|中海国际社区|世茂滨江花园|紫荆苑|和平里|"
	"枫林绿洲|滨江壹号|香榭丽园|书香门第|东方明珠花园");
static struct words offices = WORDS(
	"国贸大厦|环球金融中心|科技大厦|软件园|创业大厦|时代广场|财富中心|"
	"万达广场写字楼|国际商务中心|数码港大厦");
static struct words remarks = WORDS(
	"请放快递柜|工作日送货|周末送货|送货前请电话联系|请放门卫室|不要放驿站|"
	"尽快发货，谢谢|包装结实一点|是礼物，请不要放价格单|放前台即可|"
	"晚上六点后送|有老人在家，敲门即可");
static struct words cancel_reasons = WORDS(
	"不想买了|地址填写错误|重复下单|商品价格有变动|忘记使用优惠券|其他渠道更便宜");
static struct words refund_reasons = WORDS(
	"不想要了|拍错了/多拍了|商品质量问题|收到商品破损|尺码不合适|"
	"与商品描述不符|七天无理由退货|未按约定时间发货");
static struct words signers = WORDS("本人|家人|门卫|快递柜|前台|驿站");
static struct words models = WORDS(
	"iPhone 15 Pro|iPhone 14|iPhone 13|iPhone 16|HUAWEI Mate 60|HUAWEI P60|"
	"Xiaomi 14|Redmi K70|OPPO Reno11|vivo X100|HONOR 90|OnePlus 12");
#define IOS_MODELS 4	/* the first entries of models */
static struct words browsers = WORDS("PC/Chrome|PC/Edge|Mac/Safari");

static const char *const levels[] = { "normal", "silver", "gold", "plus" };
static const int level_w[] = { 60, 25, 12, 3 };

static const char *const order_channels[] = { "app", "miniprogram", "web", "h5" };
static const int order_channel_w[] = { 50, 25, 15, 10 };

static const struct pay_channel {
	const char *code, *label;
	int weight;
} pay_channels[] = {
	{ "alipay", "支付宝", 40 },
	{ "wechat", "微信支付", 45 },
	{ "unionpay", "云闪付", 8 },
	{ "balance", "余额", 7 },
};
#define NPAYCH ((int)NELEM(pay_channels))
static int pay_w[NPAYCH];

static const struct failure {
	const char *code, *message;
} failures[] = {
	{ "BALANCE_NOT_ENOUGH", "余额不足" },
	{ "CARD_EXPIRED", "银行卡已过期，请更换支付方式" },
	{ "RISK_REJECTED", "风控拒绝：交易存在风险" },
	{ "BANK_TIMEOUT", "银行处理超时，请稍后重试" },
	{ "USER_CANCEL", "用户取消支付" },
};

static const struct carrier {
	const char *code, *name, *prefix;
	int weight;
} carriers[] = {
	{ "SF", "顺丰速运", "SF", 25 },
	{ "ZTO", "中通快递", "78", 20 },
	{ "YTO", "圆通速递", "YT", 15 },
	{ "YD", "韵达快递", "43", 12 },
	{ "STO", "申通快递", "77", 10 },
	{ "JD", "京东物流", "JDV", 13 },
	{ "EMS", "中国邮政EMS", "98", 5 },
};
#define NCARRIERS ((int)NELEM(carriers))
static int carrier_w[NCARRIERS];

/* In code order, which is also the inventory primary key's order. */
enum { W_BJ, W_CD, W_GZ, W_HZ, W_SH, W_SY, W_WH, W_XA };
static const struct warehouse {
	const char *code, *city, *hub;
} warehouses[NWH] = {
	{ "BJ-01", "北京市", "北京顺义转运中心" },
	{ "CD-01", "成都市", "成都双流转运中心" },
	{ "GZ-01", "广州市", "广州白云转运中心" },
	{ "HZ-01", "杭州市", "杭州萧山转运中心" },
	{ "SH-01", "上海市", "上海浦东转运中心" },
	{ "SY-01", "沈阳市", "沈阳于洪转运中心" },
	{ "WH-01", "武汉市", "武汉东西湖转运中心" },
	{ "XA-01", "西安市", "西安未央转运中心" },
};

static struct city {
	const char *province, *name, *brief;
	int weight, wh;
	struct words districts, streets;
} cities[] = {
	{ "北京市", "北京市", "北京", 40, W_BJ,
	  WORDS("朝阳区|海淀区|东城区|西城区|丰台区|通州区|昌平区|大兴区"),
	  WORDS("建国路|朝阳北路|中关村大街|学院路|望京街|广渠路|西直门外大街|安立路") },
	{ "天津市", "天津市", "天津", 12, W_BJ,
	  WORDS("和平区|南开区|河西区|滨海新区|西青区"),
	  WORDS("南京路|卫津路|友谊路|黄河道|宾水西道") },
	{ "河北省", "石家庄市", "石家庄", 8, W_BJ,
	  WORDS("长安区|桥西区|裕华区|新华区"),
	  WORDS("中山东路|裕华路|槐安路|建设南大街") },
	{ "山西省", "太原市", "太原", 6, W_BJ,
	  WORDS("小店区|迎泽区|杏花岭区|万柏林区"),
	  WORDS("迎泽大街|长风街|平阳路|府西街") },
	{ "山东省", "济南市", "济南", 10, W_BJ,
	  WORDS("历下区|市中区|槐荫区|天桥区"),
	  WORDS("泉城路|经十路|解放路|二环东路") },
	{ "山东省", "青岛市", "青岛", 10, W_BJ,
	  WORDS("市南区|市北区|崂山区|黄岛区"),
	  WORDS("香港中路|辽阳西路|海尔路|长江中路") },
	{ "辽宁省", "沈阳市", "沈阳", 9, W_SY,
	  WORDS("和平区|沈河区|浑南区|皇姑区|铁西区"),
	  WORDS("青年大街|中街路|北陵大街|兴华南街") },
	{ "辽宁省", "大连市", "大连", 7, W_SY,
	  WORDS("中山区|沙河口区|甘井子区|西岗区"),
	  WORDS("人民路|黄河路|五四路|中山路") },
	{ "吉林省", "长春市", "长春", 6, W_SY,
	  WORDS("朝阳区|南关区|绿园区|二道区"),
	  WORDS("人民大街|自由大路|解放大路|卫星路") },
	{ "黑龙江省", "哈尔滨市", "哈尔滨", 7, W_SY,
	  WORDS("南岗区|道里区|香坊区|道外区"),
	  WORDS("中央大街|红军街|学府路|中山路") },
	{ "上海市", "上海市", "上海", 40, W_SH,
	  WORDS("浦东新区|徐汇区|静安区|闵行区|杨浦区|长宁区|普陀区|宝山区"),
	  WORDS("世纪大道|漕溪北路|南京西路|莲花路|国权路|延安西路|张杨路|淮海中路") },
	{ "江苏省", "南京市", "南京", 14, W_SH,
	  WORDS("玄武区|鼓楼区|秦淮区|建邺区|江宁区"),
	  WORDS("中山路|中央路|江东中路|双龙大道|汉中路") },
	{ "江苏省", "苏州市", "苏州", 14, W_SH,
	  WORDS("姑苏区|吴中区|相城区|虎丘区|吴江区"),
	  WORDS("人民路|星湖街|东吴北路|金鸡湖大道") },
	{ "江苏省", "无锡市", "无锡", 8, W_SH,
	  WORDS("梁溪区|滨湖区|新吴区|锡山区"),
	  WORDS("中山路|太湖大道|长江路|人民中路") },
	{ "安徽省", "合肥市", "合肥", 9, W_SH,
	  WORDS("蜀山区|包河区|庐阳区|瑶海区"),
	  WORDS("长江西路|马鞍山路|金寨路|徽州大道") },
	{ "浙江省", "杭州市", "杭州", 22, W_HZ,
	  WORDS("西湖区|上城区|拱墅区|滨江区|余杭区|萧山区"),
	  WORDS("文三路|延安路|莫干山路|江南大道|文一西路|市心中路") },
	{ "浙江省", "宁波市", "宁波", 10, W_HZ,
	  WORDS("海曙区|鄞州区|江北区|镇海区"),
	  WORDS("中山西路|天童南路|人民路|钱湖北路") },
	{ "浙江省", "温州市", "温州", 7, W_HZ,
	  WORDS("鹿城区|瓯海区|龙湾区"),
	  WORDS("人民路|车站大道|学院中路") },
	{ "福建省", "福州市", "福州", 8, W_HZ,
	  WORDS("鼓楼区|台江区|仓山区|晋安区"),
	  WORDS("五四路|工业路|六一北路|华林路") },
	{ "福建省", "厦门市", "厦门", 8, W_HZ,
	  WORDS("思明区|湖里区|集美区|海沧区"),
	  WORDS("湖滨南路|嘉禾路|厦禾路|仙岳路") },
	{ "江西省", "南昌市", "南昌", 7, W_WH,
	  WORDS("东湖区|西湖区|红谷滩区|青山湖区"),
	  WORDS("八一大道|红谷中大道|北京西路|井冈山大道") },
	{ "河南省", "郑州市", "郑州", 12, W_WH,
	  WORDS("金水区|二七区|中原区|管城回族区"),
	  WORDS("花园路|农业路|建设路|中州大道") },
	{ "湖北省", "武汉市", "武汉", 16, W_WH,
	  WORDS("武昌区|洪山区|江汉区|江岸区|汉阳区"),
	  WORDS("中南路|珞喻路|解放大道|建设大道|汉阳大道") },
	{ "湖南省", "长沙市", "长沙", 12, W_WH,
	  WORDS("岳麓区|芙蓉区|天心区|开福区|雨花区"),
	  WORDS("五一大道|麓山南路|芙蓉中路|韶山北路") },
	{ "广东省", "广州市", "广州", 30, W_GZ,
	  WORDS("天河区|越秀区|海珠区|白云区|番禺区"),
	  WORDS("天河路|中山五路|江南大道|机场路|迎宾路") },
	{ "广东省", "深圳市", "深圳", 30, W_GZ,
	  WORDS("南山区|福田区|罗湖区|宝安区|龙华区|龙岗区"),
	  WORDS("科技园南路|深南大道|东门中路|宝安大道|民治大道|龙岗大道") },
	{ "广东省", "佛山市", "佛山", 9, W_GZ,
	  WORDS("禅城区|南海区|顺德区"),
	  WORDS("季华五路|南海大道|容桂大道") },
	{ "广西壮族自治区", "南宁市", "南宁", 6, W_GZ,
	  WORDS("青秀区|兴宁区|西乡塘区|江南区"),
	  WORDS("民族大道|朝阳路|大学东路|星光大道") },
	{ "海南省", "海口市", "海口", 4, W_GZ,
	  WORDS("龙华区|美兰区|秀英区"),
	  WORDS("国贸大道|海秀路|滨海大道") },
	{ "重庆市", "重庆市", "重庆", 16, W_CD,
	  WORDS("渝中区|江北区|南岸区|渝北区|沙坪坝区|九龙坡区"),
	  WORDS("民族路|建新北路|南坪正街|金开大道|小龙坎正街|杨家坪正街") },
	{ "四川省", "成都市", "成都", 20, W_CD,
	  WORDS("武侯区|锦江区|青羊区|成华区|金牛区"),
	  WORDS("人民南路|天府大道|红星路|建设路|蜀都大道") },
	{ "云南省", "昆明市", "昆明", 7, W_CD,
	  WORDS("五华区|盘龙区|官渡区|西山区"),
	  WORDS("北京路|人民中路|滇池路|东风西路") },
	{ "贵州省", "贵阳市", "贵阳", 5, W_CD,
	  WORDS("南明区|云岩区|观山湖区"),
	  WORDS("中华中路|遵义路|长岭北路") },
	{ "陕西省", "西安市", "西安", 12, W_XA,
	  WORDS("雁塔区|碑林区|未央区|新城区|长安区"),
	  WORDS("长安南路|小寨东路|朱雀大街|凤城八路|南二环西段") },
	{ "甘肃省", "兰州市", "兰州", 4, W_XA,
	  WORDS("城关区|七里河区|安宁区"),
	  WORDS("东岗西路|庆阳路|西津西路") },
	{ "宁夏回族自治区", "银川市", "银川", 3, W_XA,
	  WORDS("兴庆区|金凤区|西夏区"),
	  WORDS("解放东街|北京中路|正源北街") },
	{ "新疆维吾尔自治区", "乌鲁木齐市", "乌鲁木齐", 4, W_XA,
	  WORDS("天山区|沙依巴克区|新市区"),
	  WORDS("解放北路|友好南路|北京南路") },
};
#define NCITIES ((int)NELEM(cities))
static int city_w[NCITIES];

/* Spec dimensions; a scaled one raises the price with each step. */
static struct dim {
	char key;
	const char *name;
	int scaled;
	struct words vals;
} dims[] = {
	{ 'c', "颜色", 0, WORDS("黑色|白色|深空灰|银色|雾蓝|樱花粉|松柏绿|米白色|卡其色|藏青色") },
	{ 'g', "存储", 1, WORDS("8GB+128GB|8GB+256GB|12GB+256GB|12GB+512GB|16GB+1TB") },
	{ 's', "尺码", 0, WORDS("S|M|L|XL|XXL|3XL") },
	{ 'z', "尺码", 0, WORDS("36|37|38|39|40|41|42|43|44") },
	{ 'w', "规格", 1, WORDS("500g|1kg|2.5kg|5kg") },
	{ 'm', "容量", 1, WORDS("30ml|50ml|100ml|150ml") },
	{ 'l', "色号", 0, WORDS("#999 正红|#888 番茄红|#520 豆沙色|#316 枫叶红|#100 裸色") },
	{ 'n', "尺码", 0, WORDS("NB|S|M|L|XL|XXL") },
	{ 'a', "段数", 0, WORDS("1段|2段|3段|4段") },
	{ 'p', "包装", 1, WORDS("单件装|2件装|家庭装|礼盒装") },
	{ 'b', "版本", 1, WORDS("平装|精装|典藏版") },
	{ 'k', "型号", 1, WORDS("标准版|升级版|Pro版|旗舰版") },
	{ 'x', "尺寸", 1, WORDS("1.5m床|1.8m床|2.0m床") },
};

/* Categories: nouns are "name:min yuan:max yuan:spec dimensions". */
static struct category {
	const char *name;
	int weight, book;
	struct words brands, series, nouns;
} cats[] = {
	{ "手机数码", 18, 0,
	  WORDS("华为|小米|Apple|OPPO|vivo|荣耀|一加|倍思|绿联|安克"),
	  WORDS("Pro|Max|青春版|旗舰版|2025款|标准版"),
	  WORDS("智能手机:1299:6999:cg|蓝牙耳机:99:1499:c|平板电脑:1499:5999:cg|"
	      "智能手表:399:2999:c|充电宝:79:299:c|数据线:19:79:p|移动硬盘:299:999:k|"
	      "机械键盘:199:899:c") },
	{ "服饰", 16, 0,
	  WORDS("优衣库|李宁|安踏|太平鸟|波司登|森马|海澜之家|回力"),
	  WORDS("2025秋冬新款|经典款|宽松版|修身款|加绒款|情侣款"),
	  WORDS("纯棉T恤:59:199:cs|连衣裙:159:599:cs|牛仔裤:129:399:cs|羽绒服:399:1599:cs|"
	      "卫衣:99:299:cs|运动鞋:199:899:cz|衬衫:99:399:cs|羊毛衫:199:699:cs") },
	{ "生鲜", 10, 0,
	  WORDS("京鲜生|盒马|百果园|佳沃|鲜丰水果|獐子岛|正大"),
	  WORDS("新鲜现发|产地直发|冷链配送|精选|当季"),
	  WORDS("智利车厘子:99:399:w|阳光玫瑰葡萄:49:159:w|赣南脐橙:29:89:w|澳洲牛排:129:399:w|"
	      "挪威三文鱼:99:299:w|土鸡蛋:29:69:p|大闸蟹:199:799:p|海南芒果:29:79:w") },
	{ "家电", 10, 0,
	  WORDS("美的|格力|海尔|苏泊尔|九阳|科沃斯|戴森|小熊"),
	  WORDS("智能款|家用|大容量|静音款|变频|升级款"),
	  WORDS("空气炸锅:199:599:k|滚筒洗衣机:1999:4999:k|电饭煲:199:899:k|"
	      "扫地机器人:1299:4999:k|变频空调:2399:6999:k|电热水壶:59:199:c|"
	      "无线吸尘器:599:3999:k|多门冰箱:2999:8999:k") },
	{ "美妆", 10, 0,
	  WORDS("兰蔻|雅诗兰黛|欧莱雅|珀莱雅|自然堂|薇诺娜|完美日记|花西子"),
	  WORDS("补水保湿|修护|清爽型|滋润型|礼盒"),
	  WORDS("保湿面霜:129:899:m|口红:99:399:l|精华液:199:1299:m|防晒霜:79:299:m|"
	      "洗面奶:49:199:m|面膜:59:299:p") },
	{ "母婴", 8, 0,
	  WORDS("花王|帮宝适|飞鹤|爱他美|贝亲|好孩子|全棉时代"),
	  WORDS("超薄透气|婴幼儿|新生儿|进口|量贩装"),
	  WORDS("婴儿纸尿裤:89:259:n|婴幼儿奶粉:199:499:a|婴儿湿巾:29:89:p|"
	      "儿童安全座椅:699:2499:c|宽口径奶瓶:59:199:m") },
	{ "食品饮料", 12, 0,
	  WORDS("伊利|蒙牛|三只松鼠|农夫山泉|雀巢|良品铺子|百草味|好欢螺"),
	  WORDS("整箱装|量贩装|礼盒|原味|无糖|家庭装"),
	  WORDS("纯牛奶:49:99:p|每日坚果:79:199:p|天然矿泉水:29:59:p|速溶咖啡:49:159:p|"
	      "螺蛳粉:29:79:p|牛肉干:39:129:w|西湖龙井茶:199:899:w") },
	{ "图书", 6, 1,
	  WORDS("人民文学出版社|中信出版社|机械工业出版社|商务印书馆|译林出版社|南海出版公司"),
	  WORDS("新版|全新修订版|畅销版|纪念版"),
	  WORDS("《三体》:39:99:b|《活着》:29:59:b|《平凡的世界》:59:129:b|《百年孤独》:39:69:b|"
	      "《明朝那些事儿》:99:199:b|《深入理解计算机系统》:99:139:b|《人类简史》:49:79:b|"
	      "《小王子》:19:49:b") },
	{ "家居", 10, 0,
	  WORDS("罗莱|水星家纺|网易严选|无印良品|膳魔师|富光|乐扣乐扣"),
	  WORDS("加厚|北欧风|简约|纯棉|大容量|抗菌"),
	  WORDS("床上四件套:199:899:x|乳胶枕:99:399:p|收纳箱:39:129:p|保温杯:59:299:c|"
	      "不粘炒锅:99:399:c|纯棉毛巾:29:89:p") },
};
#define NCATS ((int)NELEM(cats))
static int cat_w[NCATS];

static const struct coupon_kind {
	const char *name, *kind;
	long long value, min_spend;
} coupon_kinds[] = {
	{ "新人专享满99减20", "fixed", 2000, 9900 },
	{ "满199减30", "fixed", 3000, 19900 },
	{ "满299减50", "fixed", 5000, 29900 },
	{ "满599减100", "fixed", 10000, 59900 },
	{ "家电满2000减200", "fixed", 20000, 200000 },
	{ "生鲜满59减10", "fixed", 1000, 5900 },
	{ "无门槛5元券", "fixed", 500, 0 },
	{ "全场9折券", "percent", 10, 5000 },
	{ "会员95折券", "percent", 5, 0 },
	{ "美妆满300减60", "fixed", 6000, 30000 },
	{ "图书满100减30", "fixed", 3000, 10000 },
	{ "大促88折券", "percent", 12, 20000 },
};

/* --- time -------------------------------------------------------------- */

static long long
days_from_civil(int y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void
civil(stamp t, int *y, unsigned *m, unsigned *d)
{
	long long z = t / DAY + 719468, era, yy;
	unsigned doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (long long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static void
fmt_time(stamp t, char *out, size_t size)
{
	int y;
	unsigned m, d;
	long long s = t % DAY;

	civil(t, &y, &m, &d);
	snprintf(out, size, "%04d-%02u-%02u %02lld:%02lld:%02lld", y, m, d,
	    s / HOUR, s / MINUTE % 60, s % 60);
}

static int
ymd(stamp t)
{
	int y;
	unsigned m, d;

	civil(t, &y, &m, &d);
	return y * 10000 + (int)(m * 100 + d);
}

/* parse_minute: "YYYY-MM-DD HH:MM" into *t; -1 when malformed. */
static int
parse_minute(const char *s, stamp *t)
{
	int y, mo, d, h, mi, n = 0, y2;
	unsigned m2, d2;

	if (sscanf(s, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 ||
	    s[n] != '\0' || strlen(s) != 16 || y < 2000 || y > 2999 ||
	    mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    h < 0 || mi < 0)
		return -1;
	*t = days_from_civil(y, (unsigned)mo, (unsigned)d) * DAY + h * HOUR +
	    mi * MINUTE;
	civil(*t, &y2, &m2, &d2);
	return (int)m2 == mo ? 0 : -1;	/* not 2026-02-30 and the like */
}

static stamp
max_stamp(stamp a, stamp b)
{
	return a > b ? a : b;
}

/* daytime: t, or the next morning when t falls in the night (couriers and
 * most buyers sleep). */
static stamp
daytime(struct rng *r, stamp t)
{
	stamp h = t % DAY / HOUR;

	if (h >= 8 && h < 21)
		return t;
	return t - t % DAY + (h >= 21 ? DAY : 0) + 8 * HOUR +
	    between(r, 0, 90 * MINUTE);
}

/* --- bulk loading ------------------------------------------------------ */

/* One buffer set a column: types are i (integer), s (string), t (datetime);
 * upper case may be NULL, given as 0, a NULL pointer or time 0. */
struct col {
	char type;
	long long *iv;
	char **sv;
	size_t *off;
	unsigned long *len;
	MYSQL_TIME *tv;
	MYSQL_TIME **tp;
	char *ind;
};

struct table {
	const char *name;
	const char *cols;	/* names, space separated, in schema order */
	const char *types;
	/* private */
	MYSQL_STMT *st;
	MYSQL_BIND *bind;
	struct col *c;
	unsigned ncols, col, nrows;
	struct buf pool;	/* the batch's string bytes */
	unsigned long long total;
};
#define TABLE(n, c, t) { .name = (n), .cols = (c), .types = (t) }

static struct table t_users = TABLE("users",
	"id name phone level city registered_at updated_at", "isssstt");
static struct table t_products = TABLE("products",
	"id sku name spec category brand list_price status updated_at", "isssssist");
static struct table t_orders = TABLE("orders",
	"id order_no user_id status channel goods_amount discount_amount "
	"coupon_amount shipping_fee pay_amount paid_amount refunded_amount "
	"receiver_name receiver_phone province city district address_detail "
	"warehouse remark cancel_reason created_at paid_at shipped_at "
	"delivered_at completed_at cancelled_at updated_at",
	"isissiiiiiiissssssssStTTTTTt");
static struct table t_items = TABLE("order_items",
	"id order_id product_id sku product_name spec list_price unit_price qty amount",
	"iiisssiiii");
static struct table t_history = TABLE("order_status_history",
	"id order_id from_status to_status actor_type actor note changed_at",
	"iiSsssst");
static struct table t_payments = TABLE("payments",
	"id order_id payment_no channel trade_no amount status failure_code "
	"failure_message created_at paid_at updated_at", "iissSisSStTt");
static struct table t_refunds = TABLE("refunds",
	"id order_id payment_id refund_no amount reason status created_at "
	"completed_at updated_at", "iiIsisstTt");
static struct table t_shipments = TABLE("shipments",
	"id order_id carrier tracking_no warehouse status shipped_at delivered_at "
	"last_event_at updated_at", "iisssstTTt");
static struct table t_events = TABLE("shipment_events",
	"id shipment_id event_time code location description", "iitsss");
static struct table t_inventory = TABLE("inventory",
	"sku warehouse on_hand reserved restock_at updated_at", "ssiiTt");
static struct table t_moves = TABLE("inventory_moves",
	"id sku warehouse order_id kind qty created_at", "issIsit");
static struct table t_coupons = TABLE("coupons",
	"id code name kind value min_spend valid_from valid_to", "isssiitt");
static struct table t_usages = TABLE("coupon_usages",
	"id coupon_id user_id order_id amount used_at", "iiiiit");
static struct table t_uevents = TABLE("user_events",
	"id user_id order_id kind detail device created_at", "iiIssst");

/* In schema order, for the counts in the manifest. */
static struct table *const tables[] = {
	&t_users, &t_products, &t_orders, &t_items, &t_history, &t_payments,
	&t_refunds, &t_shipments, &t_events, &t_inventory, &t_moves, &t_coupons,
	&t_usages, &t_uevents,
};

static MYSQL *conn;

static void
tbl_open(struct table *t)
{
	struct buf sql = { 0 };
	const char *p;
	unsigned i, j;

	t->ncols = (unsigned)strlen(t->types);
	t->c = xcalloc(t->ncols, sizeof(*t->c));
	t->bind = xcalloc(t->ncols, sizeof(*t->bind));
	buf_printf(&sql, "INSERT INTO %s (", t->name);
	for (i = 0, p = t->cols; *p; p++)
		if (*p == ' ') {
			buf_puts(&sql, ", ");
			i++;
		} else
			buf_putc(&sql, *p);
	if (i + 1 != t->ncols)
		die("seed: %s: %u names for %u types", t->name, i + 1, t->ncols);
	buf_puts(&sql, ") VALUES (");
	for (i = 0; i < t->ncols; i++)
		buf_puts(&sql, i ? ", ?" : "?");
	buf_putc(&sql, ')');

	for (i = 0; i < t->ncols; i++) {
		struct col *c = &t->c[i];
		MYSQL_BIND *b = &t->bind[i];

		c->type = t->types[i];
		switch (tolower((unsigned char)c->type)) {
		case 'i':
			c->iv = xcalloc(BATCH, sizeof(*c->iv));
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = c->iv;
			break;
		case 's':
			c->sv = xcalloc(BATCH, sizeof(*c->sv));
			c->off = xcalloc(BATCH, sizeof(*c->off));
			c->len = xcalloc(BATCH, sizeof(*c->len));
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = c->sv;
			b->length = c->len;
			break;
		case 't':
			/* Connector/C takes an array of pointers for DATETIME. */
			c->tv = xcalloc(BATCH, sizeof(*c->tv));
			c->tp = xcalloc(BATCH, sizeof(*c->tp));
			for (j = 0; j < BATCH; j++)
				c->tp[j] = &c->tv[j];
			b->buffer_type = MYSQL_TYPE_DATETIME;
			b->buffer = c->tp;
			break;
		default:
			die("seed: %s: bad column type %c", t->name, c->type);
		}
		if (isupper((unsigned char)c->type)) {
			c->ind = xcalloc(BATCH, 1);
			b->u.indicator = c->ind;
		}
	}
	if ((t->st = mysql_stmt_init(conn)) == NULL)
		die("seed: out of memory");
	if (mysql_stmt_prepare(t->st, sql.p, sql.len))
		die("seed: %s: %s", t->name, mysql_stmt_error(t->st));
	buf_free(&sql);
}

static void
tbl_flush(struct table *t)
{
	unsigned int n = t->nrows, i, j;

	if (n == 0)
		return;
	for (i = 0; i < t->ncols; i++)
		if (t->c[i].sv)
			for (j = 0; j < n; j++)
				t->c[i].sv[j] = t->pool.p + t->c[i].off[j];
	if (mysql_stmt_attr_set(t->st, STMT_ATTR_ARRAY_SIZE, &n) ||
	    mysql_stmt_bind_param(t->st, t->bind) ||
	    mysql_stmt_execute(t->st))
		die("seed: %s: %s", t->name, mysql_stmt_error(t->st));
	t->nrows = 0;
	buf_reset(&t->pool, 1 << 22);
}

static void
tbl_close(struct table *t)
{
	unsigned i;

	tbl_flush(t);
	if (t->st)
		mysql_stmt_close(t->st);
	for (i = 0; i < t->ncols; i++) {
		free(t->c[i].iv);
		free(t->c[i].sv);
		free(t->c[i].off);
		free(t->c[i].len);
		free(t->c[i].tv);
		free(t->c[i].tp);
		free(t->c[i].ind);
	}
	free(t->c);
	free(t->bind);
	buf_free(&t->pool);
	t->st = NULL;
	t->c = NULL;
	t->bind = NULL;
}

/* next_id: the id the table's next row takes (ids count rows from 1). */
static long long
next_id(const struct table *t)
{
	return (long long)t->total + 1;
}

/* next_col: the column the row is at, which must be of type want; none
 * (0, a NULL pointer, time 0) is SQL NULL where the column allows it. */
static struct col *
next_col(struct table *t, char want, int none)
{
	struct col *c;

	if (t->col >= t->ncols || tolower((unsigned char)t->c[t->col].type) != want)
		die("seed: %s: column %u out of step", t->name, t->col + 1);
	c = &t->c[t->col++];
	if (c->ind)
		c->ind[t->nrows] = none ? STMT_INDICATOR_NULL : STMT_INDICATOR_NONE;
	else if (none && want != 'i')
		die("seed: %s: NULL in column %u", t->name, t->col);
	return c;
}

static void
put_i(struct table *t, long long v)
{
	struct col *c = next_col(t, 'i', v == 0);

	c->iv[t->nrows] = v;
}

static void
put_s(struct table *t, const char *s)
{
	struct col *c = next_col(t, 's', s == NULL);
	size_t n = s ? strlen(s) : 0;

	c->off[t->nrows] = t->pool.len;
	c->len[t->nrows] = (unsigned long)n;
	buf_add(&t->pool, s ? s : "", n);
}

static void
put_t(struct table *t, stamp v)
{
	struct col *c = next_col(t, 't', v == 0);
	MYSQL_TIME *m = &c->tv[t->nrows];
	long long s = v % DAY;
	int y;
	unsigned mo, d;

	memset(m, 0, sizeof(*m));
	if (v == 0)
		return;
	civil(v, &y, &mo, &d);
	m->year = (unsigned)y;
	m->month = mo;
	m->day = d;
	m->hour = (unsigned)(s / HOUR);
	m->minute = (unsigned)(s / MINUTE % 60);
	m->second = (unsigned)(s % 60);
	m->time_type = MYSQL_TIMESTAMP_DATETIME;
}

static void
row_end(struct table *t)
{
	if (t->col != t->ncols)
		die("seed: %s: row of %u columns", t->name, t->col);
	t->col = 0;
	t->total++;
	if (++t->nrows == BATCH)
		tbl_flush(t);
}

/* --- generator state ----------------------------------------------------- */

struct product {
	char sku[16], name[128], spec[64];
	const char *category;
	long long price;
	stamp off_at;		/* taken off sale then; 0: on sale */
	int fresh;
};

/* One (sku, warehouse) pair. */
struct stock {
	int on_hand, reserved, is_short;
	stamp last;
};

struct coupon {
	const struct coupon_kind *k;
	stamp from, to;
};

struct nolist {
	uint64_t *v;
	size_t n, cap;
};

/* An item of a paid, unshipped order: stock_shortage is judged at the end. */
struct held {
	uint64_t no;
	int pair;
};

#define MAX_HOURS (MAX_DAYS * 24)

static struct {
	stamp now, start;
	int nhours;		/* the span, --days, in hours */
	long long norders, nusers;
	uint64_t no_salt;
	int nprod;
	struct product *prod;
	struct stock *stock;
	struct coupon coupons[NCOUPONS];
	double cum[MAX_HOURS + 1];	/* order density over the span, by hour */
	struct nolist found[NKINDS];
	struct held *held;
	size_t nheld, capheld;
} g;

static void
nolist_add(struct nolist *l, uint64_t no)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = no;
}

/* scramble: a bijection of [0, mod) for ids, to make numbers that are
 * unique but do not count up. */
static uint64_t
scramble(uint64_t id, uint64_t mod)
{
	return (uint64_t)(((unsigned __int128)id * 2862933555777941757ULL +
	    g.no_salt) % mod);
}

static const char *
yuan(long long fen, char *out, size_t size)
{
	snprintf(out, size, "¥%lld.%02lld", fen / 100, fen % 100);
	return out;
}

static void
run_sql(const char *sql)
{
	int rc = db_run_sql(DB_ADMIN, sql);

	if (rc != DB_OK)
		die("seed: %s: %s", rc == DB_DOWN ? "database unreachable" :
		    "statement failed", db_error(DB_ADMIN));
}

/* --- schema --------------------------------------------------------------- */

/* Secondary indexes are dropped while the tables are empty and built again
 * after loading, from the same lines of replica.sql (a sorted build is
 * several times faster than keeping them up to date row by row). */
static char *index_sql[32];	/* ALTER TABLE t ADD KEY ..., a table */
static int nindex_sql, nkeys;

/* key_line: when p is a secondary index of the table being created, note
 * how to drop it and how to build it again. */
static void
key_line(const char *p, struct buf *drops, struct buf *adds)
{
	const char *end, *name;

	p += strspn(p, " \t");
	if (strncmp(p, "KEY ", 4) != 0 && strncmp(p, "UNIQUE KEY ", 11) != 0)
		return;
	if ((end = strstr(p, "--")) == NULL)
		end = p + strlen(p);
	while (end > p && strchr(" \t,", end[-1]))
		end--;
	name = strstr(p, "KEY ") + 4;
	buf_printf(drops, "%sDROP KEY %.*s", drops->len ? ", " : "",
	    (int)strcspn(name, " ("), name);
	buf_printf(adds, "%sADD %.*s", adds->len ? ", " : "", (int)(end - p), p);
	nkeys++;
}

/* load_schema: drop and create every table of replica.sql, without its
 * secondary indexes for now; returns how many tables.  Statements end with
 * ';' at the end of a line; lines starting with "--" are comments. */
static int
load_schema(void)
{
	char path[4096], name[65], *line = NULL;
	struct buf stmt = { 0 }, drops = { 0 }, adds = { 0 }, sql = { 0 };
	size_t cap = 0;
	ssize_t n;
	FILE *fp;
	int ntables = 0;

	snprintf(path, sizeof(path), "%s/replica.sql", cfg.schema);
	if ((fp = fopen(path, "r")) == NULL)
		die("%s: cannot open", path);
	name[0] = '\0';
	while ((n = getline(&line, &cap, fp)) > 0) {
		const char *p = line;

		p += strspn(p, " \t");
		if (*p == '\n' || *p == '\r' || *p == '\0' || strncmp(p, "--", 2) == 0)
			continue;
		while (n > 0 && strchr(" \t\r\n", line[n - 1]))
			line[--n] = '\0';
		if (stmt.len == 0 && strncmp(line, "CREATE TABLE ", 13) == 0) {
			p = line + 13;
			if (strncmp(p, "IF NOT EXISTS ", 14) == 0)
				p += 14;
			snprintf(name, sizeof(name), "%.*s", (int)strspn(p,
			    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"), p);
		} else if (name[0])
			key_line(line, &drops, &adds);
		buf_add(&stmt, line, (size_t)n);
		buf_putc(&stmt, '\n');
		if (line[n - 1] != ';')
			continue;
		stmt.len -= 2;		/* ";\n" */
		stmt.p[stmt.len] = '\0';
		if (name[0]) {
			buf_printf(&sql, "DROP TABLE IF EXISTS `%s`", name);
			run_sql(sql.p);
			sql.len = 0;
			ntables++;
		}
		run_sql(stmt.p);
		if (drops.len) {
			if (nindex_sql == (int)NELEM(index_sql))
				die("%s: too many tables", path);
			buf_printf(&sql, "ALTER TABLE `%s` %s", name, drops.p);
			run_sql(sql.p);
			sql.len = 0;
			buf_printf(&sql, "ALTER TABLE `%s` %s", name, adds.p);
			index_sql[nindex_sql++] = xstrdup(sql.p);
			sql.len = 0;
		}
		stmt.len = drops.len = adds.len = 0;
		name[0] = '\0';
	}
	if (ferror(fp))
		die("%s: cannot read", path);
	if (stmt.len)
		die("%s: last statement has no ';'", path);
	fclose(fp);
	free(line);
	buf_free(&stmt);
	buf_free(&drops);
	buf_free(&adds);
	buf_free(&sql);
	return ntables;
}

static void
build_indexes(void)
{
	int i;

	for (i = 0; i < nindex_sql; i++) {
		run_sql(index_sql[i]);
		free(index_sql[i]);
	}
	nindex_sql = 0;
}

/* --- catalogue, coupons, users ------------------------------------------- */

static struct dim *
dim_of(char key)
{
	size_t i;

	for (i = 0; i < NELEM(dims); i++)
		if (dims[i].key == key)
			return &dims[i];
	die("seed: no spec dimension %c", key);
}

static void
move(int pair, long long order_id, const char *kind, int qty, stamp at)
{
	struct table *t = &t_moves;

	put_i(t, next_id(t));
	put_s(t, g.prod[pair / NWH].sku);
	put_s(t, warehouses[pair % NWH].code);
	put_i(t, order_id);
	put_s(t, kind);
	put_i(t, qty);
	put_t(t, at);
	row_end(t);
	g.stock[pair].last = max_stamp(g.stock[pair].last, at);
}

/* make_catalogue: products in families of SKUs that differ by spec, and
 * the opening stock of every (sku, warehouse). */
static void
make_catalogue(void)
{
	struct table *t = &t_products;
	struct rng r;
	int id = 0, i, lo, hi, v, nvar, first;
	char keys[4], nounbuf[64];

	g.nprod = (int)(g.norders / 20 < 500 ? 500 :
	    g.norders / 20 > 50000 ? 50000 : g.norders / 20);
	g.prod = xcalloc((size_t)g.nprod, sizeof(*g.prod));
	g.stock = xcalloc((size_t)g.nprod * NWH, sizeof(*g.stock));
	rng_for(&r, R_CATALOGUE, 0);
	while (id < g.nprod) {
		struct category *c = &cats[pick_weighted(&r, cat_w, NCATS)];
		const char *noun = pick(&r, &c->nouns), *colon = strchr(noun, ':');
		const char *brand = pick(&r, &c->brands), *series = pick(&r, &c->series);
		struct dim *d0, *d1;
		long long base;

		memset(keys, 0, sizeof(keys));
		if (colon == NULL || sscanf(colon + 1, "%d:%d:%3s", &lo, &hi, keys) != 3)
			die("seed: bad noun %s", noun);
		snprintf(nounbuf, sizeof(nounbuf), "%.*s", (int)(colon - noun), noun);
		d0 = dim_of(keys[0]);
		d1 = keys[1] ? dim_of(keys[1]) : NULL;
		base = between(&r, lo, hi);
		nvar = (int)between(&r, 1, 4);
		if ((size_t)nvar > words_n(&d0->vals))
			nvar = (int)words_n(&d0->vals);
		first = (int)below(&r, words_n(&d0->vals) - (size_t)nvar + 1);
		for (v = 0; v < nvar && id < g.nprod; v++, id++) {
			struct product *p = &g.prod[id];
			int i1 = d1 ? (int)below(&r, words_n(&d1->vals)) : 0;
			long long y = base;

			snprintf(p->sku, sizeof(p->sku), "SKU%08d", id + 1);
			if (c->book)
				snprintf(p->name, sizeof(p->name), "%s %s", nounbuf, series);
			else
				snprintf(p->name, sizeof(p->name), "%s %s %s", brand,
				    series, nounbuf);
			if (d1)
				snprintf(p->spec, sizeof(p->spec), "%s:%s;%s:%s",
				    d0->name, word(&d0->vals, (size_t)(first + v)),
				    d1->name, word(&d1->vals, (size_t)i1));
			else
				snprintf(p->spec, sizeof(p->spec), "%s:%s", d0->name,
				    word(&d0->vals, (size_t)(first + v)));
			p->category = c->name;
			p->fresh = strcmp(c->name, "生鲜") == 0;
			if (d0->scaled)
				y = y * (100 + 30 * (first + v)) / 100;
			if (d1 && d1->scaled)
				y = y * (100 + 30 * i1) / 100;
			p->price = y >= 100 ? (y / 10 * 10 + 9) * 100 : y * 100 - 10;
			if (chance(&r, 4))
				p->off_at = g.now - between(&r, DAY, 60 * DAY);
			put_i(t, id + 1);
			put_s(t, p->sku);
			put_s(t, p->name);
			put_s(t, p->spec);
			put_s(t, p->category);
			put_s(t, brand);
			put_i(t, p->price);
			put_s(t, p->off_at ? "off_sale" : "on_sale");
			put_t(t, p->off_at ? p->off_at : g.now - between(&r, DAY, 180 * DAY));
			row_end(t);
		}
	}
	rng_for(&r, R_STOCK, 0);
	for (i = 0; i < g.nprod * NWH; i++) {
		g.stock[i].on_hand = (int)between(&r, 30, 300);
		move(i, 0, "inbound", g.stock[i].on_hand, g.start - DAY);
	}
}

static void
make_coupons(void)
{
	struct table *t = &t_coupons;
	struct rng r;
	char code[32];
	int i;

	rng_for(&r, R_COUPON, 0);
	for (i = 0; i < NCOUPONS; i++) {
		struct coupon *c = &g.coupons[i];

		c->k = &coupon_kinds[i % (int)NELEM(coupon_kinds)];
		c->from = (g.now / DAY - between(&r, 5, 120)) * DAY;
		c->to = c->from + between(&r, 20, 60) * DAY - 1;
		snprintf(code, sizeof(code), "C%03d%c%c%c%c", i + 1,
		    (int)('A' + below(&r, 26)), (int)('A' + below(&r, 26)),
		    (int)('A' + below(&r, 26)), (int)('A' + below(&r, 26)));
		put_i(t, i + 1);
		put_s(t, code);
		put_s(t, c->k->name);
		put_s(t, c->k->kind);
		put_i(t, c->k->value);
		put_i(t, c->k->min_spend);
		put_t(t, c->from);
		put_t(t, c->to);
		row_end(t);
	}
}

struct user {
	long long id;
	char name[32], phone[16], detail[160];
	struct city *c;
	const char *district, *level;
	int model, browser;
	stamp registered, updated;
};

static void
person_name(struct rng *r, char *out, size_t size)
{
	const char *sur = pick_skew(r, &surnames), *g1 = pick(r, &given);

	if (chance(r, 30))
		snprintf(out, size, "%s%s", sur, g1);
	else
		snprintf(out, size, "%s%s%s", sur, g1, pick(r, &given));
}

/* mobile: a mainland mobile number, always ^1[3-9][0-9]{9}$ */
static void
mobile(struct rng *r, char *out, size_t size)
{
	snprintf(out, size, "%s%08" PRIu64, pick(r, &mobile_prefixes),
	    below(r, 100000000));
}

static void
address(struct rng *r, struct city *c, const char **district, char *out,
    size_t size)
{
	const char *street = pick(r, &c->streets);
	int no = (int)between(r, 1, 399), floor = (int)between(r, 1, 33);

	*district = pick(r, &c->districts);
	switch (below(r, 4)) {
	case 0:
		snprintf(out, size, "%s%d号%s%d栋%d单元%d%02d", street, no,
		    pick(r, &communities), (int)between(r, 1, 30),
		    (int)between(r, 1, 6), floor, (int)between(r, 1, 4));
		break;
	case 1:
		snprintf(out, size, "%s%d号院%d号楼%d单元%d%02d", street, no,
		    (int)between(r, 1, 20), (int)between(r, 1, 4), floor,
		    (int)between(r, 1, 4));
		break;
	case 2:
		snprintf(out, size, "%s%d号%s%d层", street, no,
		    pick(r, &offices), floor);
		break;
	default:
		snprintf(out, size, "%s%d弄%d号%d%02d室", street, no,
		    (int)between(r, 1, 40), floor % 18 + 1, (int)between(r, 1, 4));
		break;
	}
}

/* user_make: user id, made again whenever it is needed. */
static void
user_make(long long id, struct user *u)
{
	struct rng r;

	rng_for(&r, R_USER, (uint64_t)id);
	u->id = id;
	person_name(&r, u->name, sizeof(u->name));
	mobile(&r, u->phone, sizeof(u->phone));
	u->c = &cities[pick_weighted(&r, city_w, NCITIES)];
	address(&r, u->c, &u->district, u->detail, sizeof(u->detail));
	u->level = levels[pick_weighted(&r, level_w, (int)NELEM(level_w))];
	u->model = (int)below(&r, words_n(&models));
	u->browser = (int)below(&r, words_n(&browsers));
	u->registered = g.start - between(&r, 5 * DAY, 3 * 365 * DAY);
	u->updated = u->registered + between(&r, 0, g.now - HOUR - u->registered);
}

static void
make_users(void)
{
	struct table *t = &t_users;
	struct user u;
	long long id;

	for (id = 1; id <= g.nusers; id++) {
		user_make(id, &u);
		put_i(t, id);
		put_s(t, u.name);
		put_s(t, u.phone);
		put_s(t, u.level);
		put_s(t, u.c->brief);
		put_t(t, u.registered);
		put_t(t, u.updated);
		row_end(t);
	}
}

/* --- orders --------------------------------------------------------------- */

struct item {
	int prod, qty;
	long long unit, amount;
};

struct ev {
	stamp t;
	int code;
	const char *loc;
	char desc[256];
};

struct order {
	long long id;
	char no[24], actor[24], device[40];
	struct user u;
	char rname[32], rphone[24], rdetail[160];
	const char *province, *cityname, *district, *remark, *cancel_reason;
	struct city *c;
	int wh, channel, kind, path, status, npays, nrefunds;
	stamp created, paid, shipped, delivered, completed, cancelled, updated;
	struct item it[MAX_ITEMS];
	int nit;
	long long goods, discount, coupon, ship_fee, pay, paid_amt, refunded;
	long long pay_id;	/* the first successful payment */
	/* facts about the rows as written, for judge() */
	struct {
		stamp t;
		long long id;
		int status;
	} pays[MAX_PAYS];
	int stale_shipment, unreachable, stuck_refund;
};

enum { RF_BEFORE_SHIP, RF_REJECT, RF_RETURN };

static const int hour_w[24] = {
	3, 2, 1, 1, 1, 1, 2, 4, 6, 8, 10, 11, 12, 11, 10, 10, 10, 11, 12, 14,
	16, 16, 12, 6
};

/* init_slots: order density by hour over the span: a day's rhythm and a
 * business that grows by half over the span. */
static void
init_slots(void)
{
	int k;

	g.cum[0] = 0;
	for (k = 0; k < g.nhours; k++)
		g.cum[k + 1] = g.cum[k] + hour_w[(g.start + k * HOUR) % DAY / HOUR] *
		    (1.0 + 0.5 * k / g.nhours);
}

/* slot_time: order id's created_at; ids and times rise together. */
static stamp
slot_time(struct rng *r, long long id)
{
	double x = ((double)(id - 1) + unit(r)) / (double)g.norders * g.cum[g.nhours];
	int lo = 0, hi = g.nhours, mid;
	stamp t;

	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (g.cum[mid] <= x)
			lo = mid;
		else
			hi = mid;
	}
	t = g.start + lo * HOUR +
	    (stamp)((x - g.cum[lo]) / (g.cum[lo + 1] - g.cum[lo]) * HOUR);
	return t < g.now ? t : g.now - 1;
}

/* pick_kind: the fault to inject into an order of this age, if any. */
static int
pick_kind(struct rng *r, stamp age)
{
	double u = unit(r), p = 0;
	int k;

	for (k = 0; k < NKINDS; k++) {
		if (age < kinds[k].min_age || age >= kinds[k].max_age)
			continue;
		p += (kinds[k].fresh * exp(-(double)(age - kinds[k].min_age) /
		    (double)kinds[k].tau) + kinds[k].backlog) / 10000.0;
		if (u < p)
			return k;
	}
	return K_NONE;
}

/* pick_path: a fault decides the order's life; otherwise 6% are cancelled
 * unpaid, 2% refunded before shipping, 1.5% refused at the door, 2%
 * returned, and the rest end completed. */
static int
pick_path(struct rng *r, int kind, stamp age)
{
	uint64_t u;

	switch (kind) {
	case K_UNPAID:
	case K_PAYFAIL:
		return P_NOPAY;
	case K_NOTSHIP:
	case K_STOCK:
		return P_HOLD;
	case K_STALL:
		return P_STALL;
	case K_ADDR:
		return age >= 4 * DAY && chance(r, 70) ? P_UNREACH : P_HOLD;
	case K_REFUND:
		return P_REFUND_STUCK;
	}
	u = below(r, 1000);
	return u < 60 ? (kind == K_DUP ? P_NORMAL : P_UNPAID_CANCEL) :
	    u < 80 ? P_PAID_CANCEL : u < 95 ? P_REJECT : u < 115 ? P_RETURN :
	    P_NORMAL;
}

static int
pick_paych(struct rng *r)
{
	return pick_weighted(r, pay_w, NPAYCH);
}

static void
user_event(long long uid, long long oid, const char *kind, const char *detail,
    const char *device, stamp at)
{
	struct table *t = &t_uevents;

	if (at > g.now)
		return;
	put_i(t, next_id(t));
	put_i(t, uid);
	put_i(t, oid);
	put_s(t, kind);
	put_s(t, detail);
	put_s(t, device);
	put_t(t, at);
	row_end(t);
}

static void
set_status(struct order *o, int to, stamp at, const char *actor_type,
    const char *actor, const char *note)
{
	struct table *t = &t_history;

	put_i(t, next_id(t));
	put_i(t, o->id);
	put_s(t, o->status < 0 ? NULL : status_code[o->status]);
	put_s(t, status_code[to]);
	put_s(t, actor_type);
	put_s(t, actor);
	put_s(t, note);
	put_t(t, at);
	row_end(t);
	o->status = to;
	o->updated = max_stamp(o->updated, at);
}

static void
device_of(struct order *o)
{
	int ios = o->u.model < IOS_MODELS;

	switch (o->channel) {
	case 0:
		snprintf(o->device, sizeof(o->device), "%s",
		    word(&models, (size_t)o->u.model));
		break;
	case 1:
		snprintf(o->device, sizeof(o->device), "微信小程序/%s",
		    ios ? "iOS" : "Android");
		break;
	case 2:
		snprintf(o->device, sizeof(o->device), "%s",
		    word(&browsers, (size_t)o->u.browser));
		break;
	default:
		snprintf(o->device, sizeof(o->device), "H5/%s",
		    ios ? "iOS Safari" : "Android Chrome");
		break;
	}
}

/* make_parties: buyer, receiver, warehouse, channel; a bad address when
 * that is the injected fault. */
static void
make_parties(struct order *o, struct rng *r)
{
	double u = unit(r);

	user_make(1 + (long long)(u * u * (double)g.nusers), &o->u);
	snprintf(o->actor, sizeof(o->actor), "u%lld", o->u.id);
	if (chance(r, 85)) {
		snprintf(o->rname, sizeof(o->rname), "%s", o->u.name);
		snprintf(o->rphone, sizeof(o->rphone), "%s", o->u.phone);
		snprintf(o->rdetail, sizeof(o->rdetail), "%s", o->u.detail);
		o->c = o->u.c;
		o->district = o->u.district;
	} else {
		person_name(r, o->rname, sizeof(o->rname));
		mobile(r, o->rphone, sizeof(o->rphone));
		o->c = chance(r, 50) ? o->u.c : &cities[pick_weighted(r, city_w, NCITIES)];
		address(r, o->c, &o->district, o->rdetail, sizeof(o->rdetail));
	}
	o->province = o->c->province;
	o->cityname = o->c->name;
	o->wh = chance(r, 92) ? o->c->wh : (int)below(r, NWH);
	o->channel = pick_weighted(r, order_channel_w, (int)NELEM(order_channel_w));
	device_of(o);
	o->remark = chance(r, 12) ? pick(r, &remarks) : "";
	if (o->kind != K_ADDR || o->path != P_HOLD)
		return;
	switch (below(r, 6)) {
	case 0:		/* a digit short */
		o->rphone[10] = '\0';
		break;
	case 1:		/* no such prefix */
		o->rphone[1] = '2';
		break;
	case 2: {
		char p[24];

		snprintf(p, sizeof(p), "%s", o->rphone);
		snprintf(o->rphone, sizeof(o->rphone), "%.3s %.4s %.4s", p, p + 3, p + 7);
		break;
	}
	case 3:		/* a landline */
		snprintf(o->rphone, sizeof(o->rphone), "0%d-%d", (int)between(r, 10, 29),
		    (int)between(r, 20000000, 89999999));
		break;
	case 4:
		o->rdetail[0] = '\0';
		break;
	default:
		o->cityname = "";
		break;
	}
}

static int
pick_product(struct rng *r, stamp at)
{
	double u = unit(r);
	int i = (int)(u * u * g.nprod);

	while (g.prod[i].off_at && g.prod[i].off_at <= at)
		i = (i + 1) % g.nprod;
	return i;
}

static int
pick_coupon(struct rng *r, stamp at, long long base)
{
	int tries, i;

	for (tries = 0; tries < 6; tries++) {
		i = (int)below(r, NCOUPONS);
		if (g.coupons[i].from <= at && at <= g.coupons[i].to &&
		    g.coupons[i].k->min_spend <= base)
			return i;
	}
	return -1;
}

/* make_items: the items and the amounts; a wrong price or total when that
 * is the injected fault. */
static void
make_items(struct order *o, struct rng *r)
{
	static const int nw[] = { 20, 30, 30, 20 }, qw[] = { 75, 17, 5, 3 };
	struct table *t = &t_items;
	int n = 1 + pick_weighted(r, nw, 4), i, j, p, cp, fresh = 0, variant = -1;
	long long base;

	for (i = 0; i < n; i++) {
		struct item *it = &o->it[o->nit];
		const struct product *pr;

		p = pick_product(r, o->created);
		for (j = 0; j < o->nit && o->it[j].prod != p; j++)
			;
		if (j < o->nit)
			continue;	/* the same product twice: one item fewer */
		pr = &g.prod[p];
		it->prod = p;
		it->qty = pr->price > 30000 ? 1 : 1 + pick_weighted(r, qw, 4);
		it->unit = chance(r, 65) ? pr->price :
		    pr->price * between(r, 80, 95) / 100 / 10 * 10;
		fresh |= pr->fresh;
		o->nit++;
	}
	if (o->kind == K_PRICE) {
		variant = (int)below(r, 4);
		if (variant == 0)
			o->it[0].unit = g.prod[o->it[0].prod].price * between(r, 5, 45) / 100 + 1;
		else if (variant == 1)
			o->it[0].unit = g.prod[o->it[0].prod].price * between(r, 160, 300) / 100;
	}
	for (i = 0; i < o->nit; i++) {
		struct item *it = &o->it[i];
		const struct product *pr = &g.prod[it->prod];

		it->amount = it->unit * it->qty;
		o->goods += it->amount;
		put_i(t, next_id(t));
		put_i(t, o->id);
		put_i(t, it->prod + 1);
		put_s(t, pr->sku);
		put_s(t, pr->name);
		put_s(t, pr->spec);
		put_i(t, pr->price);
		put_i(t, it->unit);
		put_i(t, it->qty);
		put_i(t, it->amount);
		row_end(t);
	}
	if (o->goods >= 19900 && chance(r, 25)) {
		o->discount = o->goods / 19900 * 1500;
		if (o->discount > o->goods / 5)
			o->discount = o->goods / 5;
	}
	base = o->goods - o->discount;
	if (chance(r, 20) && (cp = pick_coupon(r, o->created, base)) >= 0) {
		const struct coupon_kind *k = g.coupons[cp].k;

		o->coupon = strcmp(k->kind, "percent") == 0 ? base * k->value / 100 :
		    k->value;
		if (o->coupon >= base)
			o->coupon = base / 2;
		t = &t_usages;
		put_i(t, next_id(t));
		put_i(t, cp + 1);
		put_i(t, o->u.id);
		put_i(t, o->id);
		put_i(t, o->coupon);
		put_t(t, o->created);
		row_end(t);
	}
	base -= o->coupon;
	o->ship_fee = base >= 9900 ? 0 : fresh ? 1200 : 800;
	o->pay = base + o->ship_fee;
	if (variant == 2)	/* the total does not add up */
		o->pay += chance(r, 50) ? between(r, 1, 99) * 100 : -between(r, 1, 50) * 10;
	else if (variant == 3) {	/* the goods total is not the items' sum */
		base = between(r, 1, 30) * 100;
		o->goods += base;
		o->pay += base;
	}
}

/* browse: the user's clicks before the order, and one of someone else's
 * now and then. */
static void
browse(struct order *o, struct rng *r)
{
	static const char *const bg[] = { "app_open", "login", "view_product" };
	const struct product *p = &g.prod[o->it[0].prod];
	char detail[256], money[32];
	struct user bu;
	int k;

	snprintf(detail, sizeof(detail), "%s %s", p->sku, p->name);
	user_event(o->u.id, o->id, "view_product", detail, o->device,
	    o->created - between(r, 10 * MINUTE, 3 * HOUR));
	if (o->nit > 1 && chance(r, 50)) {
		p = &g.prod[o->it[1].prod];
		snprintf(detail, sizeof(detail), "%s %s", p->sku, p->name);
		user_event(o->u.id, o->id, "view_product", detail, o->device,
		    o->created - between(r, 5 * MINUTE, 10 * MINUTE));
	}
	if (chance(r, 60)) {
		snprintf(detail, sizeof(detail), "%s x%d", g.prod[o->it[0].prod].sku,
		    o->it[0].qty);
		user_event(o->u.id, o->id, "add_cart", detail, o->device,
		    o->created - between(r, MINUTE, 5 * MINUTE));
	}
	snprintf(detail, sizeof(detail), "提交订单 %s，应付%s", o->no,
	    yuan(o->pay, money, sizeof(money)));
	user_event(o->u.id, o->id, "checkout", detail, o->device, o->created);
	if (!chance(r, 50))
		return;
	user_make(1 + (long long)below(r, (uint64_t)g.nusers), &bu);
	k = (int)below(r, NELEM(bg));
	p = &g.prod[below(r, (uint64_t)g.nprod)];
	if (k == 0)
		detail[0] = '\0';
	else if (k == 1)
		snprintf(detail, sizeof(detail), "%s", chance(r, 70) ?
		    "短信验证码登录" : "密码登录");
	else
		snprintf(detail, sizeof(detail), "%s %s", p->sku, p->name);
	user_event(bu.id, 0, bg[k], detail, word(&models, (size_t)bu.model),
	    o->created - between(r, 0, 2 * DAY));
}

static void
trade_no(int ch, long long id, stamp at, char *out, size_t size)
{
	switch (ch) {
	case 0:
		snprintf(out, size, "%d2200%014" PRIu64, ymd(at),
		    scramble((uint64_t)id, 100000000000000ULL));
		break;
	case 1:
		snprintf(out, size, "4200%08d%012" PRIu64, ymd(at),
		    scramble((uint64_t)id, 1000000000000ULL));
		break;
	case 2:
		snprintf(out, size, "%d%013" PRIu64, ymd(at),
		    scramble((uint64_t)id, 10000000000000ULL));
		break;
	default:
		snprintf(out, size, "BAL%d%010" PRIu64, ymd(at),
		    scramble((uint64_t)id, 10000000000ULL));
		break;
	}
}

/* write_payment: an attempt started at start that ends (succeeds, fails or
 * is closed) at end; as it stands at now.  Returns its id, or 0 when it
 * has not started by now. */
static long long
write_payment(struct order *o, struct rng *r, int ch, int outcome, stamp start,
    stamp end)
{
	struct table *t = &t_payments;
	long long id = next_id(t);
	const struct failure *f = NULL;
	char no[40], trade[48], detail[64], money[32];
	int st;

	if (start > g.now || o->npays == MAX_PAYS)
		return 0;
	st = end <= g.now ? outcome : PS_PENDING;
	snprintf(no, sizeof(no), "P%s%02d", o->no, o->npays + 1);
	if (st == PS_FAILED)
		f = &failures[ch == 3 ? 0 : between(r, 1, (long long)NELEM(failures) - 1)];
	if (st == PS_SUCCESS)
		trade_no(ch, id, end, trade, sizeof(trade));
	put_i(t, id);
	put_i(t, o->id);
	put_s(t, no);
	put_s(t, pay_channels[ch].code);
	put_s(t, st == PS_SUCCESS ? trade : NULL);
	put_i(t, o->pay);
	put_s(t, pay_status_code[st]);
	put_s(t, f ? f->code : NULL);
	put_s(t, f ? f->message : NULL);
	put_t(t, start);
	put_t(t, st == PS_SUCCESS ? end : 0);
	put_t(t, st == PS_PENDING ? start : end);
	row_end(t);
	o->pays[o->npays].t = start;
	o->pays[o->npays].id = id;
	o->pays[o->npays].status = st;
	o->npays++;
	snprintf(detail, sizeof(detail), "%s %s", pay_channels[ch].label,
	    yuan(o->pay, money, sizeof(money)));
	user_event(o->u.id, o->id, "pay_click", detail, o->device, start);
	if (f && strcmp(f->code, "USER_CANCEL") == 0)
		user_event(o->u.id, o->id, "pay_cancel", "取消支付", o->device, end);
	return id;
}

static void
cancel_unpaid(struct order *o, struct rng *r, int ch)
{
	int rule = g.now - o->created >= HOUR && chance(r, 40);
	int robot = rule && chance(r, 15);
	stamp at = robot ? o->created + between(r, 15, 29) * MINUTE :
	    rule ? o->created + 30 * MINUTE : o->created + between(r, 60, 540), t;

	if (at > g.now)
		return;		/* still pending, less than 9 minutes old */
	if (rule) {
		if (chance(r, 50)) {
			t = o->created + between(r, MINUTE, 10 * MINUTE);
			write_payment(o, r, ch, PS_CLOSED, t, at);
		}
		o->cancel_reason = robot ? "用户确认不再购买" : "超时未支付";
		set_status(o, S_CANCELLED, at, robot ? "robot" : "rule",
		    robot ? "callbot" : "unpaid_auto_cancel",
		    robot ? "智能外呼：用户确认不再购买，取消订单" :
		    "超时未支付，系统自动取消");
	} else {
		if (chance(r, 30)) {
			t = o->created + between(r, 20, 40);
			write_payment(o, r, ch, PS_FAILED, t, t + between(r, 5, 15));
		}
		o->cancel_reason = pick(r, &cancel_reasons);
		set_status(o, S_CANCELLED, at, "customer", o->actor, "用户取消订单");
	}
	o->cancelled = at;
}

/* payment_stage: the attempts, and the order paid when one succeeded. */
static void
payment_stage(struct order *o, struct rng *r)
{
	int ch = pick_paych(r), i, n;
	stamp t = o->created + between(r, 20, 180), end;
	char note[64];

	switch (o->path) {
	case P_NOPAY:
		if (o->kind == K_PAYFAIL) {
			n = (int)between(r, 1, 3);
			for (i = 0; i < n; i++) {
				end = t + between(r, 5, 40);
				write_payment(o, r, ch, PS_FAILED, t, end);
				t = end + between(r, 20, 300);
				if (chance(r, 40))
					ch = pick_paych(r);
			}
			return;
		}
		n = (int)below(r, 100);
		if (n < 15) {	/* failed, then gave up at the cashier */
			end = t + between(r, 5, 40);
			write_payment(o, r, ch, PS_FAILED, t, end);
			t = end + between(r, 20, 120);
		}
		if (n < 40)
			write_payment(o, r, ch, PS_CLOSED, t, t + 15 * MINUTE);
		return;
	case P_UNPAID_CANCEL:
		cancel_unpaid(o, r, ch);
		return;
	}
	if (chance(r, 8)) {
		end = t + between(r, 5, 40);
		write_payment(o, r, ch, PS_FAILED, t, end);
		t = end + between(r, 0, 20);
		/* a normal order never rests on a failed attempt */
		if (end <= g.now && t > g.now)
			t = end;
		if (chance(r, 50))
			ch = pick_paych(r);
	} else
		t = o->created + between(r, 20, 480);
	end = t + between(r, 3, 30);
	o->pay_id = write_payment(o, r, ch, PS_SUCCESS, t, end);
	if (end > g.now) {
		o->pay_id = 0;
		return;
	}
	o->paid = end;
	o->paid_amt += o->pay;
	snprintf(note, sizeof(note), "支付成功（%s）", pay_channels[ch].label);
	set_status(o, S_PAID, end, "system", "payment", note);
	if (o->kind == K_DUP) {
		ch = (ch + 1 + (int)below(r, NPAYCH - 1)) % NPAYCH;
		t = end + between(r, 20, 180);
		end = t + between(r, 3, 30);
		if (write_payment(o, r, ch, PS_SUCCESS, t, end) && end <= g.now) {
			o->paid_amt += o->pay;
			o->updated = max_stamp(o->updated, end);
		}
	}
}

static int
pair_of(const struct order *o, int i)
{
	return o->it[i].prod * NWH + o->wh;
}

static void
reserve(struct order *o, struct rng *r, int i, stamp at)
{
	int p = pair_of(o, i), q = o->it[i].qty, lot;
	struct stock *s = &g.stock[p];

	if (s->on_hand - s->reserved < q + 10) {	/* restock first */
		lot = (int)between(r, 100, 600);
		move(p, 0, "inbound", lot, at - between(r, HOUR, 12 * HOUR));
		s->on_hand += lot;
	}
	s->reserved += q;
	move(p, o->id, "reserve", q, at);
}

static void
stock_out(struct order *o, const char *kind, stamp at)
{
	int i, p, q;

	for (i = 0; i < o->nit; i++) {
		p = pair_of(o, i);
		q = o->it[i].qty;
		if (strcmp(kind, "inbound") == 0)
			g.stock[p].on_hand += q;
		else {
			g.stock[p].reserved -= q;
			if (strcmp(kind, "outbound") == 0)
				g.stock[p].on_hand -= q;
			q = -q;
		}
		move(p, o->id, kind, q, at);
	}
}

/* write_refund: a refund created at created that ends with outcome at end
 * (0: never), as it stands at now. */
static void
write_refund(struct order *o, struct rng *r, const char *reason, int outcome,
    stamp created, stamp end)
{
	struct table *t = &t_refunds;
	stamp proc = created + between(r, MINUTE, 10 * MINUTE);
	char no[40];
	int st;

	if (end == 0 && chance(r, 40))
		proc = 0;	/* never picked up */
	if (end && end <= g.now)
		st = outcome;
	else
		st = proc && proc <= g.now ? RS_PROCESSING : RS_PENDING;
	snprintf(no, sizeof(no), "R%s%02d", o->no, ++o->nrefunds);
	put_i(t, next_id(t));
	put_i(t, o->id);
	put_i(t, o->pay_id);
	put_s(t, no);
	put_i(t, o->pay);
	put_s(t, reason);
	put_s(t, refund_status_code[st]);
	put_t(t, created);
	put_t(t, st == RS_SUCCESS ? end : 0);
	put_t(t, st == RS_SUCCESS || st == RS_FAILED ? end :
	    st == RS_PROCESSING ? proc : created);
	row_end(t);
	if ((st == RS_PENDING || st == RS_PROCESSING) &&
	    created < g.now - cfg.refund_stuck)
		o->stuck_refund = 1;
}

/* refund: the buyer asks for the money back at at (or rejects the parcel);
 * settled within hours, except on the refund_stuck path. */
static void
refund(struct order *o, struct rng *r, stamp at, int how)
{
	const char *reason = how == RF_REJECT ? "买家拒收" : pick(r, &refund_reasons);
	char note[128], money[32], agent[16];
	stamp t = at, fail, done;

	if (at > g.now)
		return;
	if (how == RF_REJECT)
		set_status(o, S_REFUNDING, at, "system", "tms", "买家拒收，系统自动发起退款");
	else {
		snprintf(note, sizeof(note), "申请退款：%s", reason);
		set_status(o, S_REFUNDING, at, "customer", o->actor, note);
		snprintf(note, sizeof(note), "申请退款 %s：%s",
		    yuan(o->pay, money, sizeof(money)), reason);
		user_event(o->u.id, o->id, "apply_refund", note, o->device, at);
	}
	if (how == RF_BEFORE_SHIP)
		stock_out(o, "release", at);
	if (o->path == P_REFUND_STUCK) {
		write_refund(o, r, reason, RS_SUCCESS, at, 0);
		return;
	}
	if (chance(r, 8)) {	/* the first try bounces, a second one pays */
		fail = t + between(r, HOUR, 3 * HOUR);
		write_refund(o, r, reason, RS_FAILED, t, fail);
		t = fail + between(r, 10 * MINUTE, HOUR);
		done = t + between(r, 10 * MINUTE, 2 * HOUR);
		if (fail > g.now || t > g.now)
			return;
	} else
		done = t + between(r, 10 * MINUTE, 5 * HOUR);
	write_refund(o, r, reason, RS_SUCCESS, t, done);
	if (done > g.now)
		return;
	o->refunded += o->pay;
	if (chance(r, 30)) {
		snprintf(agent, sizeof(agent), "kf%03d", (int)between(r, 1, 40));
		set_status(o, S_REFUNDED, done, "agent", agent, "客服审核通过，退款成功");
	} else
		set_status(o, S_REFUNDED, done, "system", "refund", "退款成功，原路退回");
	if (how != RF_BEFORE_SHIP && done + 2 * DAY <= g.now)
		stock_out(o, "inbound", done + between(r, DAY, 2 * DAY));
}

static void
ev_add(struct ev *ev, int *n, int code, stamp t, const char *loc,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
ev_add(struct ev *ev, int *n, int code, stamp t, const char *loc,
    const char *fmt, ...)
{
	va_list ap;

	if (*n == MAX_EVENTS)
		die("seed: too many tracking events");
	ev[*n].t = t;
	ev[*n].code = code;
	ev[*n].loc = loc;
	va_start(ap, fmt);
	vsnprintf(ev[*n].desc, sizeof(ev[*n].desc), fmt, ap);
	va_end(ap);
	(*n)++;
}

/* plan_events: the whole journey from the warehouse, an event at least
 * every 14 hours (deliveries wait for the morning); returns how many. */
static int
plan_events(struct order *o, struct rng *r, const struct carrier *cr, stamp t,
    struct ev *ev)
{
	const struct warehouse *w = &warehouses[o->wh], *mid = NULL;
	const struct city *c = o->c;
	char dhub[64], station[64];
	int n = 0, i;

	snprintf(dhub, sizeof(dhub), "%s转运中心", c->brief);
	for (i = 0; i < NWH; i++)
		if (strcmp(warehouses[i].city, c->name) == 0)
			snprintf(dhub, sizeof(dhub), "%s", warehouses[i].hub);
	snprintf(station, sizeof(station), "%s%s营业部", c->brief, o->district);
	ev_add(ev, &n, EV_PICKED_UP, t, w->city, "【%s】%s已揽收，快件将发往%s",
	    w->city, cr->name, w->hub);
	if (strcmp(w->city, c->name) != 0) {
		if (c->wh != o->wh && chance(r, 50)) {
			i = (int)below(r, NWH);
			if (i != o->wh && i != c->wh)
				mid = &warehouses[i];
		}
		t += between(r, HOUR, 4 * HOUR);
		ev_add(ev, &n, EV_IN_TRANSIT, t, w->city, "【%s】快件已由%s发出，下一站【%s】",
		    w->city, w->hub, mid ? mid->hub : dhub);
		if (mid) {
			t += between(r, 3 * HOUR, 12 * HOUR);
			ev_add(ev, &n, EV_ARRIVED, t, mid->city, "【%s】快件已到达【%s】",
			    mid->city, mid->hub);
			t += between(r, HOUR, 4 * HOUR);
			ev_add(ev, &n, EV_IN_TRANSIT, t, mid->city,
			    "【%s】快件已由%s发出，下一站【%s】", mid->city, mid->hub, dhub);
		}
		t += between(r, 3 * HOUR, 12 * HOUR);
		ev_add(ev, &n, EV_ARRIVED, t, c->name, "【%s】快件已到达【%s】", c->name, dhub);
	}
	t += between(r, HOUR, 5 * HOUR);
	ev_add(ev, &n, EV_IN_TRANSIT, t, c->name, "【%s】快件已由%s发出，下一站【%s】",
	    c->name, strcmp(w->city, c->name) ? dhub : w->hub, station);
	t = daytime(r, t + between(r, HOUR, 4 * HOUR));
	ev_add(ev, &n, EV_OUT_FOR_DELIVERY, t, c->name,
	    "【%s】%s快递员%s师傅正在派件，请保持电话畅通", c->name, station,
	    pick_skew(r, &surnames));
	if (o->path == P_REJECT) {
		t += between(r, HOUR, 4 * HOUR);
		ev_add(ev, &n, EV_RETURNED, t, c->name,
		    "【%s】收件人拒收，快件已退回，正在返回%s", c->name, w->city);
	} else if (o->path == P_UNREACH) {
		t += between(r, HOUR, 3 * HOUR);
		ev_add(ev, &n, EV_UNREACHABLE, t, c->name,
		    "【%s】派件未成功：收件人电话无法接通，快件暂存%s，将再次派送",
		    c->name, station);
	} else {
		t += between(r, HOUR, 6 * HOUR);
		ev_add(ev, &n, EV_DELIVERED, t, c->name,
		    "【%s】快件已签收，签收人：%s。感谢使用%s，期待再次为您服务",
		    c->name, pick(r, &signers), cr->name);
	}
	return n;
}

static void
complete(struct order *o, struct rng *r)
{
	stamp at;

	if (chance(r, 60)) {
		at = daytime(r, o->delivered + between(r, 6 * HOUR, 7 * DAY));
		if (at > g.now)
			return;
		set_status(o, S_COMPLETED, at, "customer", o->actor, "确认收货");
		user_event(o->u.id, o->id, "confirm_receipt", "确认收货", o->device, at);
	} else {
		at = o->delivered + 10 * DAY;
		if (at > g.now)
			return;
		set_status(o, S_COMPLETED, at, "rule", "auto_confirm_receipt",
		    "签收后10天自动确认收货");
	}
	o->completed = at;
}

/* ship_stage: out of the warehouse at ship, the tracking events that have
 * happened by now, and what follows delivery. */
static void
ship_stage(struct order *o, struct rng *r, stamp ship)
{
	const struct carrier *cr;
	struct table *t;
	struct ev ev[MAX_EVENTS];
	char tracking[40], note[128];
	long long sid = next_id(&t_shipments);
	int n, i, last = 0;
	stamp seen;

	cr = &carriers[pick_weighted(r, carrier_w, NCARRIERS)];
	snprintf(tracking, sizeof(tracking), "%s%012" PRIu64, cr->prefix,
	    scramble((uint64_t)sid, 1000000000000ULL));
	stock_out(o, "outbound", ship);
	snprintf(note, sizeof(note), "%s 出库，%s %s", warehouses[o->wh].code,
	    cr->name, tracking);
	set_status(o, S_SHIPPED, ship, "system", "wms", note);
	o->shipped = ship;
	n = plan_events(o, r, cr, ship, ev);
	if (o->path == P_STALL) {
		/* goes quiet mid-way: the last event is over the threshold
		 * ago, by an hour plus half a day on average */
		stamp quiet = g.now - cfg.logistics_stalled - HOUR -
		    (stamp)(-log(1.0 - unit(r)) * 12 * HOUR);

		for (i = 0; i < n - 2 && ev[i].t <= quiet; i++)
			;
		if (i > 0)
			n = i;
	}
	t = &t_events;
	for (i = 0; i < n && ev[i].t <= g.now; i++) {
		put_i(t, next_id(t));
		put_i(t, sid);
		put_t(t, ev[i].t);
		put_s(t, event_code[ev[i].code]);
		put_s(t, ev[i].loc);
		put_s(t, ev[i].desc);
		row_end(t);
		last = ev[i].code;
		if (last == EV_UNREACHABLE)
			o->unreachable = 1;
	}
	seen = ev[i - 1].t;
	t = &t_shipments;
	put_i(t, sid);
	put_i(t, o->id);
	put_s(t, cr->code);
	put_s(t, tracking);
	put_s(t, warehouses[o->wh].code);
	put_s(t, last == EV_DELIVERED ? "delivered" : last == EV_RETURNED ?
	    "returned" : last == EV_UNREACHABLE ? "exception" : "in_transit");
	put_t(t, ship);
	put_t(t, last == EV_DELIVERED ? seen : 0);
	put_t(t, seen);
	put_t(t, seen);
	row_end(t);
	if (last != EV_DELIVERED && last != EV_RETURNED && last != EV_UNREACHABLE &&
	    seen < g.now - cfg.logistics_stalled)
		o->stale_shipment = 1;

	for (i = (int)below(r, 3); i > 0; i--) {
		snprintf(note, sizeof(note), "查看物流 %s", tracking);
		user_event(o->u.id, o->id, "view_logistics", note, o->device,
		    ship + (stamp)(unit(r) * (double)(seen - ship)));
	}
	if (last == EV_RETURNED)
		refund(o, r, seen, RF_REJECT);
	if (last != EV_DELIVERED)
		return;
	o->delivered = seen;
	set_status(o, S_DELIVERED, seen, "system", "tms", "快递已签收");
	if (o->path == P_RETURN || o->path == P_REFUND_STUCK)
		refund(o, r, daytime(r, seen + between(r, DAY, o->path == P_RETURN ?
		    5 * DAY : 3 * DAY)), RF_RETURN);
	else
		complete(o, r);
}

/* fulfil: what follows payment: the reservation, then shipping, or a
 * refund before it. */
static void
fulfil(struct order *o, struct rng *r)
{
	stamp ship = o->paid + between(r, 2 * HOUR, 20 * HOUR);
	int i;

	for (i = 0; i < o->nit; i++)
		reserve(o, r, i, o->paid);
	switch (o->path) {
	case P_HOLD:
		if (o->kind == K_STOCK)
			g.stock[pair_of(o, 0)].is_short = 1;
		return;
	case P_PAID_CANCEL:
		refund(o, r, o->paid + between(r, 10 * MINUTE, ship - o->paid -
		    30 * MINUTE), RF_BEFORE_SHIP);
		return;
	case P_REFUND_STUCK:
		if (g.now - o->created < 10 * DAY || chance(r, 50)) {
			refund(o, r, o->paid + between(r, 10 * MINUTE, 2 * HOUR),
			    RF_BEFORE_SHIP);
			return;
		}
		break;
	}
	if (ship <= g.now)
		ship_stage(o, r, ship);
}

/* complain: most buyers with a troubled order write to customer service. */
static void
complain(struct order *o, struct rng *r)
{
	static const char *const what[NKINDS] = {
		[K_UNPAID] = "咨询：订单一直显示待支付",
		[K_PAYFAIL] = "咨询：支付一直失败怎么办",
		[K_DUP] = "反馈：同一订单被扣款两次",
		[K_NOTSHIP] = "催发货：付款好几天了还没发货",
		[K_STALL] = "查询物流：快递好几天没有更新",
		[K_STOCK] = "催发货：什么时候能发货",
		[K_PRICE] = "咨询：订单金额不对",
		[K_ADDR] = "反馈：收货信息有误，快递联系不上",
		[K_REFUND] = "催退款：退款迟迟没有到账",
	};

	if (o->kind == K_NONE || !chance(r, 60))
		return;
	user_event(o->u.id, o->id, "contact_service", what[o->kind], o->device,
	    o->created + (stamp)((double)(g.now - o->created) * (0.5 + 0.45 * unit(r))));
}

static void
write_order(const struct order *o)
{
	struct table *t = &t_orders;

	put_i(t, o->id);
	put_s(t, o->no);
	put_i(t, o->u.id);
	put_s(t, status_code[o->status]);
	put_s(t, order_channels[o->channel]);
	put_i(t, o->goods);
	put_i(t, o->discount);
	put_i(t, o->coupon);
	put_i(t, o->ship_fee);
	put_i(t, o->pay);
	put_i(t, o->paid_amt);
	put_i(t, o->refunded);
	put_s(t, o->rname);
	put_s(t, o->rphone);
	put_s(t, o->province);
	put_s(t, o->cityname);
	put_s(t, o->district);
	put_s(t, o->rdetail);
	put_s(t, warehouses[o->wh].code);
	put_s(t, o->remark);
	put_s(t, o->cancel_reason);
	put_t(t, o->created);
	put_t(t, o->paid);
	put_t(t, o->shipped);
	put_t(t, o->delivered);
	put_t(t, o->completed);
	put_t(t, o->cancelled);
	put_t(t, o->updated);
	row_end(t);
}

static int
mobile_ok(const char *s)
{
	int i;

	if (strlen(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
		return 0;
	for (i = 2; i < 11; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* judge: the anomaly definitions, over the order as written (the same as
 * tests/harness/anomalies.sql); stock_shortage waits for the inventory. */
static void
judge(const struct order *o)
{
	uint64_t no = strtoull(o->no, NULL, 10);
	int i, success = 0, latest = -1, failed = 0, bad = 0;
	long long sum = 0;

	for (i = 0; i < o->npays; i++) {
		success += o->pays[i].status == PS_SUCCESS;
		if (latest < 0 || o->pays[i].t > o->pays[latest].t ||
		    (o->pays[i].t == o->pays[latest].t && o->pays[i].id > o->pays[latest].id))
			latest = i;
	}
	if (o->status == S_PENDING && latest >= 0 &&
	    o->pays[latest].status == PS_FAILED && success == 0) {
		failed = 1;
		nolist_add(&g.found[K_PAYFAIL], no);
	}
	if (o->status == S_PENDING && o->created < g.now - cfg.unpaid_timeout && !failed)
		nolist_add(&g.found[K_UNPAID], no);
	if (success > 1)
		nolist_add(&g.found[K_DUP], no);
	if (o->status == S_PAID && o->paid < g.now - cfg.not_shipped)
		nolist_add(&g.found[K_NOTSHIP], no);
	if (o->stale_shipment)
		nolist_add(&g.found[K_STALL], no);
	if (o->stuck_refund)
		nolist_add(&g.found[K_REFUND], no);

	for (i = 0; i < o->nit; i++) {
		long long list = g.prod[o->it[i].prod].price;

		if (o->it[i].unit * 100 < list * cfg.price_low_pct ||
		    o->it[i].unit * 100 > list * cfg.price_high_pct)
			bad = 1;
		sum += o->it[i].amount;
		if (o->status != S_PAID)
			continue;
		if (g.nheld == g.capheld) {
			g.capheld = g.capheld ? g.capheld * 2 : 1024;
			g.held = xrealloc(g.held, g.capheld * sizeof(*g.held));
		}
		g.held[g.nheld].no = no;
		g.held[g.nheld++].pair = pair_of(o, i);
	}
	if (bad || sum != o->goods || o->pay != o->goods - o->discount -
	    o->coupon + o->ship_fee)
		nolist_add(&g.found[K_PRICE], no);
	if (o->status != S_CANCELLED && o->status != S_COMPLETED &&
	    o->status != S_REFUNDED && (!mobile_ok(o->rphone) ||
	    !*o->province || !*o->cityname || !*o->rdetail || o->unreachable))
		nolist_add(&g.found[K_ADDR], no);
}

static void
gen_order(long long id)
{
	struct order o;
	struct rng r;
	stamp age;

	memset(&o, 0, sizeof(o));
	rng_for(&r, R_ORDER, (uint64_t)id);
	o.id = id;
	o.status = -1;
	o.created = slot_time(&r, id);
	age = g.now - o.created;
	o.kind = pick_kind(&r, age);
	o.path = pick_path(&r, o.kind, age);
	snprintf(o.no, sizeof(o.no), "%d%08lld", ymd(o.created),
	    (id * 48271 + (long long)(g.no_salt % 100000000)) % 100000000);
	make_parties(&o, &r);
	make_items(&o, &r);
	set_status(&o, S_PENDING, o.created, "customer", o.actor, "提交订单");
	browse(&o, &r);
	payment_stage(&o, &r);
	if (o.paid)
		fulfil(&o, &r);
	complain(&o, &r);
	write_order(&o);
	judge(&o);
}

/* --- stock, manifest ------------------------------------------------------- */

/* finish_stock: the short pairs lose stock at a count, then every pair's
 * final row. */
static void
finish_stock(void)
{
	struct table *t = &t_inventory;
	struct rng r, eta;
	int i, k, adj;

	rng_for(&r, R_STOCK, 1);
	for (i = 0; i < g.nprod * NWH; i++) {
		struct stock *s = &g.stock[i];

		if (!s->is_short)
			continue;
		k = (int)between(&r, 0, s->reserved > 4 ? 3 : s->reserved - 1);
		adj = -(s->on_hand - s->reserved + 1 + k);
		move(i, 0, "adjust", adj, g.now - between(&r, HOUR, 12 * HOUR));
		s->on_hand += adj;
	}
	/* a short pair expects its restock in one to five days, at 10:00 */
	rng_for(&eta, R_STOCK, 2);
	for (i = 0; i < g.nprod * NWH; i++) {
		put_s(t, g.prod[i / NWH].sku);
		put_s(t, warehouses[i % NWH].code);
		put_i(t, g.stock[i].on_hand);
		put_i(t, g.stock[i].reserved);
		put_t(t, g.stock[i].is_short ? (g.now / DAY + between(&eta, 1, 5)) * DAY +
		    10 * HOUR : 0);
		put_t(t, g.stock[i].last);
		row_end(t);
	}
	for (i = 0; i < (int)g.nheld; i++)
		if (g.stock[g.held[i].pair].on_hand < g.stock[g.held[i].pair].reserved)
			nolist_add(&g.found[K_STOCK], g.held[i].no);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void
add_int(struct json_object *o, const char *key, long long v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static void
write_manifest(const char *path)
{
	struct json_object *root = json_object_new_object(), *th, *ks, *k, *a, *tb;
	char buf[32];
	size_t i, j, n;
	int kind;

	json_object_object_add(root, "seed", json_object_new_uint64(seed_value));
	add_int(root, "orders", g.norders);
	fmt_time(g.now, buf, sizeof(buf));
	json_object_object_add(root, "now", json_object_new_string(buf));
	th = json_object_new_object();
	add_int(th, "unpaid_timeout", cfg.unpaid_timeout);
	add_int(th, "not_shipped", cfg.not_shipped);
	add_int(th, "logistics_stalled", cfg.logistics_stalled);
	add_int(th, "refund_stuck", cfg.refund_stuck);
	add_int(th, "price_low_pct", cfg.price_low_pct);
	add_int(th, "price_high_pct", cfg.price_high_pct);
	json_object_object_add(root, "thresholds", th);
	ks = json_object_new_object();
	for (kind = 0; kind < NKINDS; kind++) {
		struct nolist *l = &g.found[kind];

		qsort(l->v, l->n, sizeof(*l->v), cmp_u64);
		for (i = n = 0; i < l->n; i++)
			if (n == 0 || l->v[i] != l->v[n - 1])
				l->v[n++] = l->v[i];
		l->n = n;
		k = json_object_new_object();
		add_int(k, "count", (long long)n);
		a = json_object_new_array_ext((int)n);
		for (j = 0; j < n; j++) {
			snprintf(buf, sizeof(buf), "%" PRIu64, l->v[j]);
			json_object_array_add(a, json_object_new_string(buf));
		}
		json_object_object_add(k, "orders", a);
		json_object_object_add(ks, kinds[kind].name, k);
	}
	json_object_object_add(root, "kinds", ks);
	tb = json_object_new_object();
	for (i = 0; i < NELEM(tables); i++)
		add_int(tb, tables[i]->name, (long long)tables[i]->total);
	json_object_object_add(root, "tables", tb);
	if (json_object_to_file_ext(path, root, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE) < 0)
		die("seed: %s: cannot write the manifest", path);
	json_object_put(root);
}

/* --- entry ----------------------------------------------------------------- */

static struct db_stmt q_now = DB_STMT(DB_ADMIN,
	"SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i')");

static int
usage(void)
{
	fputs("usage: seed --orders N --seed S [--days D] "
	    "[--now \"YYYY-MM-DD HH:MM\"] [--manifest FILE]\n", stderr);
	return 2;
}

static double
secs(int64_t since)
{
	return (double)(now_ms() - since) / 1000.0;
}

static void
commit(void)
{
	if (db_commit(DB_ADMIN) != DB_OK)
		die("seed: commit: %s", db_error(DB_ADMIN));
}

static int
seed(int argc, char **argv)
{
	const char *manifest = "seed-manifest.json", *at = NULL;
	char now_text[32];
	long long n = 0, id;
	int64_t t0 = now_ms(), t1;
	long long days = DAYS;
	int i, have_seed = 0, ntables;
	size_t k;

	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (v == NULL)
			return usage();
		if (strcmp(argv[i], "--orders") == 0) {
			if (parse_i64(v, strlen(v), &n) < 0 || n < 1 || n > MAX_ORDERS)
				die("seed: --orders takes 1 to %lld", MAX_ORDERS);
		} else if (strcmp(argv[i], "--seed") == 0) {
			errno = 0;
			seed_value = strtoull(v, &end, 10);
			if (*v < '0' || *v > '9' || *end || errno)
				die("seed: --seed takes a number");
			have_seed = 1;
		} else if (strcmp(argv[i], "--days") == 0) {
			if (parse_i64(v, strlen(v), &days) < 0 || days < 1 || days > MAX_DAYS)
				die("seed: --days takes 1 to %d", MAX_DAYS);
		} else if (strcmp(argv[i], "--now") == 0)
			at = v;
		else if (strcmp(argv[i], "--manifest") == 0)
			manifest = v;
		else
			return usage();
		i++;
	}
	if (n == 0 || !have_seed)
		return usage();
	if (at && parse_minute(at, &g.now) < 0)
		die("seed: --now takes \"YYYY-MM-DD HH:MM\"");

	/* The demo replica lives on the admin's server; loading runs
	 * statements far longer than a page's. */
	free(cfg.admin.database);	/* cfg's strings are its own */
	cfg.admin.database = xstrdup(cfg.replica.database);
	cfg.admin.query_timeout = 0;
	if (cfg.admin.read_timeout < 600)
		cfg.admin.read_timeout = 600;
	if (cfg.admin.write_timeout < 600)
		cfg.admin.write_timeout = 600;
	if ((conn = db_mysql(DB_ADMIN)) == NULL)
		die("seed: cannot connect: %s", db_error(DB_ADMIN));
	if (at == NULL) {
		struct arena a;
		struct db_res res;

		arena_init(&a, 1024);
		if (db_one(&a, &q_now, &res, 0, NULL) != DB_OK ||
		    parse_minute(db_str(&res, 0), &g.now) < 0)
			die("seed: cannot read the server's time: %s", db_error(DB_ADMIN));
		db_done(&res);
		arena_cleanup(&a);
	}
	g.nhours = (int)days * 24;
	g.start = g.now - (stamp)g.nhours * HOUR;
	g.norders = n;
	g.nusers = n / 4 < 50 ? 50 : n / 4;
	g.no_salt = mix64(seed_value ^ 0x6f72646572ULL);
	fmt_time(g.now, now_text, sizeof(now_text));
	for (i = 0; i < NCITIES; i++)
		city_w[i] = cities[i].weight;
	for (i = 0; i < NCATS; i++)
		cat_w[i] = cats[i].weight;
	for (i = 0; i < NPAYCH; i++)
		pay_w[i] = pay_channels[i].weight;
	for (i = 0; i < NCARRIERS; i++)
		carrier_w[i] = carriers[i].weight;
	init_slots();

	run_sql("SET SESSION unique_checks = 0");
	run_sql("SET SESSION foreign_key_checks = 0");
	run_sql("SET SESSION sql_log_bin = 0");
	ntables = load_schema();
	fprintf(stderr, "seed: schema: %d tables (%.1f s)\n", ntables, secs(t0));
	for (k = 0; k < NELEM(tables); k++)
		tbl_open(tables[k]);
	if (db_begin(DB_ADMIN) != DB_OK)
		die("seed: begin: %s", db_error(DB_ADMIN));

	t1 = now_ms();
	make_catalogue();
	make_coupons();
	make_users();
	fprintf(stderr, "seed: catalogue: %d products, %d coupons, %lld users (%.1f s)\n",
	    g.nprod, NCOUPONS, g.nusers, secs(t1));
	t1 = now_ms();
	for (id = 1; id <= n; id++) {
		gen_order(id);
		if (id % COMMIT_EVERY == 0) {
			commit();
			if (db_begin(DB_ADMIN) != DB_OK)
				die("seed: begin: %s", db_error(DB_ADMIN));
		}
	}
	fprintf(stderr, "seed: orders: %lld and their rows (%.1f s)\n", n, secs(t1));
	t1 = now_ms();
	finish_stock();
	for (k = 0; k < NELEM(tables); k++)
		tbl_close(tables[k]);
	commit();
	fprintf(stderr, "seed: inventory: %llu rows (%.1f s)\n", t_inventory.total,
	    secs(t1));
	t1 = now_ms();
	build_indexes();
	fprintf(stderr, "seed: indexes: %d (%.1f s)\n", nkeys, secs(t1));

	write_manifest(manifest);
	printf("seed %" PRIu64 ", %lld orders, now %s\n", seed_value, n, now_text);
	for (i = 0; i < NKINDS; i++)
		printf("  %-20s %8zu\n", kinds[i].name, g.found[i].n);
	for (k = 0; k < NELEM(tables); k++)
		printf("  %-20s %8llu rows\n", tables[k]->name, tables[k]->total);
	printf("manifest: %s\n", manifest);
	fprintf(stderr, "seed: done in %.1f s\n", secs(t0));

	for (i = 0; i < NKINDS; i++)
		free(g.found[i].v);
	free(g.held);
	free(g.prod);
	free(g.stock);
	words_free();
	return 0;
}

static void
complaint(const char *file, int line, const char *msg)
{
	fprintf(stderr, "%s:%d: %s\n", file, line, msg);
}

int
main(int argc, char **argv)
{
	int rc;

	if (cfg_load(NULL, complaint) != 0)
		die("the configuration has errors");
	log_init("seed", LOG_WARN);
	db_init();
	rc = seed(argc, argv);
	db_shutdown();
	return rc;
}
