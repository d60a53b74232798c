{{%AUTOESCAPE context="HTML"}}<div class="queue-layout">
<aside class="card queue-side" aria-label="各类异常数量">
  <h2>异常类型</h2>
  <ul class="kind-counts">
    <li><a href="{{u_queue}}">全部 <span class="count">{{total}}</span></a></li>
{{#counts}}    <li{{#current}} class="current"{{/current}}><a href="{{url}}">{{label}} <span class="count">{{live}}</span></a>
      <span class="small muted">待认领 {{open}}{{#has_overdue}} · <span class="overdue-text">超时 {{overdue}}</span>{{/has_overdue}}{{#has_escalated}} · <span class="escalated-text">升级 {{escalated}}</span>{{/has_escalated}}</span></li>
{{/counts}}  </ul>
  <p class="small"><a href="{{u_queue}}?assignee=me">我的异常单 {{mine_count}}</a> · <a href="{{u_queue}}?silenced=1">已静默 {{silenced_count}}</a></p>
  <p class="small"><a href="{{u_silences}}">静默规则</a></p>
</aside>
<div class="queue-main">
{{#has_notice}}<p class="alert info" role="status">{{notice}}</p>
{{/has_notice}}
{{#has_incidents}}
<section class="card incidents" aria-label="进行中的事件">
  <h2>进行中的事件 <span class="muted small">同一原因的一批异常，已合并</span></h2>
  <ul>
{{#incidents}}    <li><a href="{{url}}"><span class="badge badge-red">事件</span> <strong>{{kind_label}}</strong> · {{label}} · <strong>{{members}}</strong> 个订单</a> <span class="time">{{opened_at}} 起</span></li>
{{/incidents}}  </ul>
</section>
{{/has_incidents}}
<nav class="tabs" aria-label="视图">
{{#views}}  <a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>
{{/views}}
</nav>
<form class="card filters queue-filters" action="{{u_queue}}" method="get">
  <input type="checkbox" id="fold-filters" class="fold-toggle sr"{{#filtered}} checked{{/filtered}}>
  <label for="fold-filters" class="fold-label">筛选与排序</label>
  <div class="filter-row fold-body">
    <label>类型 <select name="kind"><option value="">全部</option>
{{#kinds}}      <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/kinds}}    </select></label>
    <label>状态 <select name="state"><option value="">未关闭</option>
{{#states}}      <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/states}}    </select></label>
    <label>处理人 <select name="assignee">
{{#assignees}}      <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/assignees}}    </select></label>
    <label>团队 <select name="team"><option value="">全部</option>
{{#teams}}      <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/teams}}    </select></label>
    <label>严重程度 <select name="severity"><option value="">全部</option>
{{#severities}}      <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/severities}}    </select></label>
    <label>时限 <select name="sla"><option value="">全部</option>
{{#slas}}      <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/slas}}    </select></label>
    <label>持续 <select name="age"><option value="">不限</option>
{{#ages}}      <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/ages}}    </select></label>
    <label>金额 ¥<input name="min" value="{{min}}" size="7" maxlength="16" inputmode="decimal" placeholder="最低"></label>
    <label>至 ¥<input name="max" value="{{max}}" size="7" maxlength="16" inputmode="decimal" placeholder="最高"></label>
    <label>排序 <select name="sort">
{{#sorts}}      <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/sorts}}    </select></label>
{{#has_group}}    <input type="hidden" name="group" value="{{group}}">
{{/has_group}}{{#has_incident}}    <input type="hidden" name="incident" value="{{incident}}">
{{/has_incident}}{{#silenced}}    <input type="hidden" name="silenced" value="1">
{{/silenced}}
    <button type="submit" class="primary">筛选</button>
  </div>
{{#has_group}}  <p class="small">分组：<span title="{{group}}">{{group_name}}</span> <a href="{{u_queue}}">清除</a></p>
{{/has_group}}
{{#err_kind}}  <p class="field-error">{{message}}</p>
{{/err_kind}}{{#err_state}}  <p class="field-error">{{message}}</p>
{{/err_state}}{{#err_assignee}}  <p class="field-error">{{message}}</p>
{{/err_assignee}}{{#err_team}}  <p class="field-error">{{message}}</p>
{{/err_team}}{{#err_severity}}  <p class="field-error">{{message}}</p>
{{/err_severity}}{{#err_sla}}  <p class="field-error">{{message}}</p>
{{/err_sla}}{{#err_age}}  <p class="field-error">{{message}}</p>
{{/err_age}}{{#err_min}}  <p class="field-error">最低金额：{{message}}</p>
{{/err_min}}{{#err_max}}  <p class="field-error">最高金额：{{message}}</p>
{{/err_max}}{{#err_sort}}  <p class="field-error">{{message}}</p>
{{/err_sort}}{{#err_group}}  <p class="field-error">{{message}}</p>
{{/err_group}}{{#err_incident}}  <p class="field-error">{{message}}</p>
{{/err_incident}}{{#err_silenced}}  <p class="field-error">{{message}}</p>
{{/err_silenced}}{{#err_after}}  <p class="field-error">{{message}}</p>
{{/err_after}}
</form>
<form class="card results" method="post" action="{{u_bulk}}/claim" id="bulk">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <input type="hidden" name="back" value="{{back}}">
{{#filter_fields}}  <input type="hidden" name="{{name}}" value="{{value}}">
{{/filter_fields}}
  <p class="result-head">共 <strong>{{count_label}}</strong> 个异常单{{#paged}} · <a href="{{first}}">回到第一页</a>{{/paged}}
    <span class="keys small muted js-only">快捷键：j / k 上下移动，回车键打开，c 认领，x 勾选</span></p>
{{#live_view}}
  <div class="bulkbar">
    <label class="check"><input type="radio" name="all" value="" checked> 勾选的异常单</label>
    <label class="check"><input type="radio" name="all" value="1"> 当前筛选的全部（{{count_label}}）</label>
    <button type="submit" formaction="{{u_bulk}}/claim">认领</button>
{{#can_assign}}    <button type="submit" formaction="{{u_bulk}}/assign">指派…</button>
{{/can_assign}}    <button type="submit" formaction="{{u_bulk}}/resolve">解决…</button>
    <button type="submit" formaction="{{u_bulk}}/dismiss">忽略…</button>
{{#can_assign}}    <button type="submit" formaction="{{u_bulk}}/silence">静默…</button>
{{/can_assign}}{{#can_campaign}}    <button type="submit" formaction="{{u_bulk}}/campaign">外呼…</button>
{{/can_campaign}}  </div>
{{/live_view}}
  <table class="grid queue" id="queue">
    <thead><tr>{{#live_view}}<th><span class="sr">选择</span></th>{{/live_view}}<th>严重</th><th>异常</th><th>订单号</th><th class="num">金额</th><th>情况</th><th>状态</th><th>处理人</th>{{#live_view}}<th>时限</th><th></th>{{/live_view}}{{#closed}}<th>关闭时间</th><th>结果</th>{{/closed}}</tr></thead>
    <tbody>
{{#rows}}
      <tr class="{{#overdue}}overdue{{/overdue}}{{#escalated}} escalated{{/escalated}}" data-row>
{{#live}}        <td data-label="选择" class="c-check"><input type="checkbox" name="id" value="{{id}}" aria-label="选择异常单 {{id}}"></td>
{{/live}}        <td data-label="严重" class="c-sev"><span class="badge badge-{{severity_tone}}">{{severity_label}}</span></td>
        <td data-label="异常" class="c-kind"><a href="{{url}}" class="open">{{kind_label}}</a>{{#has_group}}<br><span class="small muted">{{group_label}}</span>{{/has_group}}</td>
        <td data-label="订单号" class="c-order"><a href="{{order_url}}" class="mono">{{order_no}}</a></td>
        <td data-label="金额" class="num c-amount">¥{{amount}}</td>
        <td data-label="情况" class="facts-cell">{{facts}}<br><span class="time">发生于 {{since}}</span></td>
        <td data-label="状态" class="c-state"><span class="badge badge-{{state_tone}}">{{state_label}}</span>{{#escalated}} <span class="badge badge-orange">已升级</span>{{/escalated}}{{#reminded}} <span class="badge badge-amber">提醒</span>{{/reminded}}{{#has_team}} <span class="badge badge-{{team_tone}}">{{team_label}}</span>{{/has_team}}</td>
        <td data-label="处理人" class="assignee">{{#has_assignee}}{{assignee}}{{/has_assignee}}{{#no_assignee}}<span class="muted">未认领</span>{{/no_assignee}}</td>
{{#live}}        <td data-label="时限" class="due{{#overdue}} late{{/overdue}}">{{due}}</td>
        <td class="c-claim">{{#no_assignee}}<button type="submit" class="small claim" formaction="{{claim_url}}">认领</button>{{/no_assignee}}</td>
{{/live}}{{#done}}        <td data-label="关闭时间" class="time">{{resolved_at}}</td>
        <td data-label="结果" class="small">{{resolution}}</td>
{{/done}}      </tr>
{{/rows}}
    </tbody>
  </table>
{{#none}}  <p class="empty">没有符合条件的异常单。</p>
{{/none}}
{{#has_next}}  <p class="pager"><a href="{{next}}" rel="next">下一页 →</a></p>
{{/has_next}}
</form>
</div>
</div>
