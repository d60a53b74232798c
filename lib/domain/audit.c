/* audit.c: the append-only audit log (see audit.h) */
#include <string.h>

#include "core/db.h"
#include "domain/audit.h"

const struct label audit_kinds[] = {
	{ "login_ok", "登录成功", "gray" },
	{ "login_failed", "登录失败", "gray" },
	{ "login_throttled", "登录限速", "gray" },
	{ "logout", "退出登录", "gray" },
	{ "session_ended", "结束会话", "gray" },
	{ "sessions_ended_all", "全部设备退出", "gray" },
	{ "password_changed", "修改密码", "gray" },
	{ "password_reset", "重置密码", "gray" },
	{ "permission_denied", "无权限被拒", "gray" },
	{ "csrf_refused", "伪造请求被拒", "gray" },
	{ "pii_reveal", "查看完整个人信息", "gray" },
	{ "agent_created", "新建账号", "gray" },
	{ "agent_updated", "修改账号", "gray" },
	{ "agent_disabled", "停用账号", "gray" },
	{ "agent_enabled", "启用账号", "gray" },
	{ "roles_changed", "修改角色", "gray" },
	{ "role_created", "新建角色", "gray" },
	{ "role_updated", "修改角色权限", "gray" },
	{ "token_created", "新建令牌", "gray" },
	{ "token_revoked", "吊销令牌", "gray" },
	{ "rule_updated", "修改异常规则", "gray" },
	{ "automation_updated", "修改自动处理规则", "gray" },
	{ "automation_stopped", "停止全部自动处理", "gray" },
	{ "automation_resumed", "恢复自动处理", "gray" },
	{ "silence_created", "新建静默", "gray" },
	{ "silence_ended", "提前结束静默", "gray" },
	{ "case_claim", "认领异常单", "gray" },
	{ "case_assign", "指派异常单", "gray" },
	{ "case_wait", "异常单转为等待", "gray" },
	{ "case_resume", "异常单恢复处理", "gray" },
	{ "case_resolve", "解决异常单", "gray" },
	{ "case_dismiss", "忽略异常单", "gray" },
	{ "case_note", "异常单备注", "gray" },
	{ "case_silence", "静默异常单", "gray" },
	{ "case_escalate", "升级异常单", "gray" },
	{ "incident_opened", "发现事件", "gray" },
	{ "action_cancel", "提交取消订单", "gray" },
	{ "action_refund", "提交退款", "gray" },
	{ "action_compensate", "提交补偿", "gray" },
	{ "action_address", "提交修改地址", "gray" },
	{ "action_price", "提交改价", "gray" },
	{ "action_sms", "提交发短信", "gray" },
	{ "action_restock", "提交申请补货", "gray" },
	{ "action_call", "提交外呼确认", "gray" },
	{ "action_substitute", "提交换购", "gray" },
	{ "action_bridge", "接通客户", "gray" },
	{ "action_approved", "批准操作", "gray" },
	{ "action_confirmed", "确认机器人准备的操作", "gray" },
	{ "action_refused", "驳回操作", "gray" },
	{ "action_cancelled", "撤回操作", "gray" },
	{ "action_retry", "重试操作", "gray" },
	{ "channel_created", "新建通知渠道", "gray" },
	{ "channel_updated", "修改通知渠道", "gray" },
	{ "channel_deleted", "删除通知渠道", "gray" },
	{ "dnc_added", "加入免打扰名单", "gray" },
	{ "campaign_created", "新建外呼任务", "gray" },
	{ "campaign_paused", "暂停外呼任务", "gray" },
	{ "campaign_resumed", "恢复外呼任务", "gray" },
	{ "campaign_stopped", "停止外呼任务", "gray" },
	{ "dnc_removed", "移出免打扰名单", "gray" },
	{ "script_updated", "修改外呼话术", "gray" },
	{ "audit_exported", "导出审计日志", "gray" },
	{ NULL, NULL, NULL },
};

#define TARGET_MAX 255		/* characters, as in the schema */
#define DETAIL_MAX 1000

static struct db_stmt q_audit = DB_STMT(DB_CONSOLE,
	"INSERT INTO audit_log (at, actor_type, agent_id, login, kind, order_no, target,"
	" detail, ip, request_id) VALUES (NOW(6), ?, ?, ?, ?, ?, ?, ?, ?, ?)");

int
audit(struct arena *a, const struct actor *who, const char *kind,
    const char *order_no, const char *target, const char *detail)
{
	return DB_EXEC(a, &q_audit, NULL, DB_STR(actor_code(who)),
	    who->agent_id ? DB_INT(who->agent_id) : DB_NULL,
	    who->type == ACTOR_VISITOR ? DB_NULL : db_clip(who->name, 64),
	    DB_STR(kind), DB_STRN(order_no), db_clip(target, TARGET_MAX),
	    db_clip(detail, DETAIL_MAX), db_clip(who->addr, 45), db_clip(who->request_id, 64));
}
