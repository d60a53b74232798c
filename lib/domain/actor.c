/* actor.c: who acts, and what a refusal means (see actor.h) */
#include <string.h>

#include "core/util.h"
#include "domain/actor.h"

static const char *const codes[] = {
	[ACTOR_VISITOR] = "visitor",
	[ACTOR_AGENT] = "agent",
	[ACTOR_RULE] = "rule",
	[ACTOR_SCANNER] = "system",
	[ACTOR_ROBOT] = "robot",
	[ACTOR_CLI] = "cli",
};

static const char *const whys[DOM_RC_N] = {
	[DOM_OK] = "",
	[CASE_CHANGED] = "异常单的状态已经变了，请刷新后再看。",
	[CASE_MISSING] = "异常单不存在。",
	[CASE_TAKEN] = "异常单已由其他客服处理；要改派，请主管指派。",
	[WAIT_BAD] = "等待的结束时间须在现在之后、30 天以内。",
	[NOT_A_LEAD] = "只能升级给有审批权限的在职主管。",
	[TEAM_UNKNOWN] = "没有这个团队。",
	[AGENT_MISSING] = "这个客服不存在或已停用。",
	[AGENT_EXISTS] = "这个账号已经存在。",
	[AGENT_SELF] = "不能对自己的账号这样做。",
	[NOT_A_PERSON] = "服务账号不是人，不能这样做。",
	[LAST_ADMIN] = "不能这样做：控制台将没有启用中的管理员。请先让另一位同事成为管理员。",
	[ROLE_MISSING] = "没有这个角色。",
	[ROLE_EXISTS] = "这个角色已经存在。",
	[ROLE_KEEPS_ADMIN] = "「管理员」角色必须保留「系统管理」权限。",
	[SESSION_MISSING] = "没有这个会话。",
	[TOKEN_MISSING] = "没有这个有效的令牌。",
	[SILENCE_MISSING] = "静默规则不存在或已经结束。",
	[RULE_MISSING] = "没有这种异常。",
	[SIGNIN_FAILED] = "账号或密码不正确。",
	[SIGNIN_WAIT] = "尝试次数过多，请稍后再试。",
	[OUTBOX_REPEAT] = "这个操作已经提交过了。",
	[KEY_REUSED] = "这个幂等键已用于另一个操作，请重新打开表单再提交。",
	[OUTBOX_MISSING] = "没有这个操作。",
	[OUTBOX_CHANGED] = "操作的状态已经变了，请刷新后再看。",
	[SELF_APPROVAL] = "不能审批自己提交的操作，请另一位同事审批。",
	[ACTION_INVALID] = "订单当前的状态不允许这个操作。",
	[CHANNEL_MISSING] = "没有这个通知频道。",
	[SCRIPT_MISSING] = "没有这个外呼话术，或它已停用。",
	[CALL_VAR_MISSING] = "订单缺少话术需要的信息，不能外呼。",
	[CALL_NO_PHONE] = "订单没有可拨打的手机号。",
	[CALL_DNC] = "这个号码在免打扰名单上，不能外呼。",
	[CALL_ATTEMPTS] = "这个订单用这个话术的外呼次数已用完。",
	[CALL_PENDING] = "这个订单已有一通同样的外呼在安排中。",
	[CALL_MISSING] = "没有这通外呼。",
	[CALL_CHANGED] = "这通外呼已经有结果了。",
	[CALL_INTENT] = "话术不认识这个意图。",
	[CALLBACK_REPEAT] = "这个回调已经处理过了。",
	[CAMPAIGN_EMPTY] = "没有可外呼的待处理异常单。",
	[CAMPAIGN_BAD] = "开始、结束时间或上限不正确：结束须晚于开始且在 30 天内，上限 1–10000。",
	[CAMPAIGN_MISSING] = "没有这个外呼任务。",
	[CAMPAIGN_CHANGED] = "外呼任务的状态已经变了，请刷新后再看。",
};

struct actor
actor_make(enum actor_type type, const char *name)
{
	struct actor a = { .type = type, .name = name ? name : codes[type],
	    .request_id = "", .addr = "" };

	return a;
}

const char *
actor_code(const struct actor *who)
{
	return codes[who->type];
}

struct actor
actor_stored(const char *code, const char *name, long long agent_id)
{
	struct actor a = actor_make(ACTOR_CLI, name);
	size_t i;

	for (i = 0; i < NELEM(codes); i++)
		if (codes[i] && strcmp(codes[i], code) == 0)
			a.type = (enum actor_type)i;
	a.agent_id = a.type == ACTOR_AGENT ? agent_id : 0;
	return a;
}

const char *
dom_why(int rc)
{
	if (rc > 0 && rc < DOM_RC_N)
		return whys[rc];
	return "操作没有完成。";
}
