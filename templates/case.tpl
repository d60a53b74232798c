{{%AUTOESCAPE context="HTML"}}{{#has_notice}}<p class="alert info" role="status">{{notice}}</p>
{{/has_notice}}{{#case}}<section class="card case-head">
  <div class="order-title">
    <h1>异常单 {{id}} · {{kind_label}}</h1>
    <span class="badge badge-{{severity_tone}}">{{severity_label}}</span>
    <span class="badge badge-{{state_tone}}">{{state_label}}</span>
{{#overdue}}    <span class="badge badge-red">已超时</span>
{{/overdue}}{{#escalated}}    <span class="badge badge-orange">已升级</span>
{{/escalated}}{{#reminded}}    <span class="badge badge-amber">等待到期·提醒</span>
{{/reminded}}{{#was_reopened}}    <span class="badge badge-amber">重新打开 {{reopened}} 次</span>
{{/was_reopened}}
  </div>
  <p class="case-facts">{{facts}}</p>
{{#in_incident}}  <p class="alert warn">这个异常属于一个进行中的事件：<a href="{{incident_url}}">{{group_label}}</a>，可在事件页统一处理。</p>
{{/in_incident}}
{{#silence}}  <p class="alert info">已静默至 {{ends_at}}：{{reason}}</p>
{{/silence}}
  <dl class="facts">
    <div><dt>订单金额</dt><dd>¥{{amount}}</dd></div>
    <div><dt>异常发生</dt><dd class="time">{{since}}</dd></div>
    <div><dt>发现时间</dt><dd class="time">{{opened_at}}</dd></div>
    <div><dt>受理时限</dt><dd class="time{{#ack_late}} late{{/ack_late}}">{{ack_due_at}}</dd></div>
    <div><dt>解决时限</dt><dd class="time">{{resolve_due_at}}</dd></div>
{{#live}}    <div><dt>剩余</dt><dd class="due{{#overdue}} late{{/overdue}}">{{due}}</dd></div>
{{/live}}{{#has_wait_until}}    <div><dt>等待至</dt><dd class="time">{{wait_until}}</dd></div>
{{/has_wait_until}}
    <div><dt>处理人</dt><dd title="{{assignee_login}}">{{#has_assignee}}{{assignee}}{{/has_assignee}}{{#no_assignee}}未认领{{/no_assignee}}</dd></div>
{{#has_team}}    <div><dt>团队</dt><dd><span class="badge badge-{{team_tone}}">{{team_label}}</span></dd></div>
{{/has_team}}{{#has_group}}    <div><dt>分组</dt><dd>{{group_label}}</dd></div>
{{/has_group}}
{{#closed}}    <div><dt>关闭时间</dt><dd class="time">{{resolved_at}}</dd></div>
    <div><dt>关闭人</dt><dd title="{{resolved_by_login}}">{{resolved_by}}</dd></div>
{{/closed}}
  </dl>
{{#closed}}  <p class="remark">处理结果：{{resolution}}</p>
{{/closed}}
</section>
{{/case}}
<div class="overview">
<section class="card">
  <h2>处理步骤</h2>
{{#has_held}}  <div class="alert info"><p>智能外呼听到的信息需要人工核对：</p>
{{#held}}    <form method="post" action="{{url}}" class="inline-form"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="back" value="{{back}}"><span>{{summary}}</span> <button type="submit" class="primary small">核对无误，发送</button></form>
{{/held}}  </div>
{{/has_held}}{{#suggested}}  <p class="suggest">{{#ready}}<a class="button-link primary" href="{{url}}">{{label}}</a> <span class="muted small">建议的第一步，表单已按订单填好</span>{{/ready}}{{#invalid}}<span class="muted">建议的{{label}}现在不能做：{{why_not}}。</span>{{/invalid}}{{#valid}}{{#denied}}<span class="muted">建议：{{label}}（你的角色不能做，请转主管）</span>{{/denied}}{{/valid}}</p>
{{/suggested}}
  <ol class="playbook">
{{#playbook}}    <li>{{value}}</li>
{{/playbook}}  </ol>
  <h3>订单当前可执行的操作</h3>
  <div class="actions">
{{#actions}}{{#valid}}    {{#has_url}}<a class="chip ok" href="{{url}}">{{label}}</a>{{/has_url}}{{#no_url}}<span class="chip" title="{{no_url_why}}">{{label}}</span>{{/no_url}}
{{/valid}}{{/actions}}
  </div>
{{#can_close}}
  <h3>处理</h3>
  <div class="case-buttons">
{{#buttons}}    <form method="post" action="{{url}}"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="{{action}}">{{label}}</button></form>
{{/buttons}}
  </div>
{{#can_wait}}
  <form method="post" action="{{u_wait}}" class="inline-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="wait-until">等待到</label>
    <select name="until" id="wait-until">
{{#wait_presets}}      <option value="{{value}}">{{label}}</option>
{{/wait_presets}}    </select>
    <input type="datetime-local" name="until_at" aria-label="或指定时间">
    <button type="submit" class="wait">转为等待</button>
  </form>
{{#err_until}}  <p class="field-error" role="alert">{{message}}</p>
{{/err_until}}
{{/can_wait}}
  <form method="post" action="{{u_resolve}}" class="inline-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input name="reason" maxlength="255" placeholder="处理结果，例如：已补发，客户同意" aria-label="处理结果">
    <button type="submit" class="primary">解决</button>
  </form>
  <form method="post" action="{{u_dismiss}}" class="inline-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input name="reason" maxlength="255" placeholder="忽略原因（必填），例如：误报，客户已自行处理" aria-label="忽略原因" required>
    <button type="submit">忽略</button>
  </form>
{{#can_assign}}
  <form method="post" action="{{u_assign}}" class="inline-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <select name="to" aria-label="指派给" required><option value="">指派给…</option>
{{#agents}}      <option value="{{id}}" title="{{login}}">{{name}}</option>
{{/agents}}    </select>
    <button type="submit">指派</button>
  </form>
{{/can_assign}}
{{#can_escalate}}
  <form method="post" action="{{u_escalate}}" class="inline-form" id="escalate">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <select name="to" aria-label="升级给" required><option value="">升级给…</option>
{{#escalate_to}}      <option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/escalate_to}}    </select>
    <input name="reason" maxlength="255" required placeholder="情况说明（必填），例如：客户坚持已付款，请支付组核对流水" aria-label="升级说明">
    <button type="submit" class="escalate">升级</button>
  </form>
{{/can_escalate}}
{{#err_to}}  <p class="field-error" role="alert">{{message}}</p>
{{/err_to}}
{{/can_close}}
{{#err_reason}}  <p class="field-error" role="alert">{{message}}</p>
{{/err_reason}}
</section>
<section class="card">
{{#order}}
  <h2>订单 <a href="{{url}}" class="mono">{{order_no}}</a> <span class="badge badge-{{status_tone}}">{{status_label}}</span></h2>
  <p>{{items}}</p>
  <dl class="facts">
    <div><dt>应付</dt><dd>¥{{pay_amount}}</dd></div>
    <div><dt>实付</dt><dd>¥{{paid_amount}}</dd></div>
    <div><dt>已退</dt><dd>¥{{refunded_amount}}</dd></div>
    <div><dt>下单</dt><dd class="time">{{created_at}}</dd></div>
    <div><dt>付款</dt><dd class="time">{{paid_at}}</dd></div>
    <div><dt>发货</dt><dd class="time">{{shipped_at}}</dd></div>
    <div><dt>客户</dt><dd>{{customer}}</dd></div>
    <div><dt>收货</dt><dd>{{receiver}} <span class="mono">{{phone}}</span></dd></div>
    <div><dt>地区</dt><dd>{{region}}</dd></div>
    <div><dt>仓库</dt><dd>{{warehouse}}</dd></div>
{{#has_parcel}}    <div><dt>包裹</dt><dd class="mono">{{parcel}}</dd></div>
{{/has_parcel}}
  </dl>
  <p><a href="{{url}}">查看订单全部信息 →</a></p>
{{/order}}
{{#order_missing}}  <p class="alert warn">只读副本上暂时找不到这个订单。</p>
{{/order_missing}}
{{#has_siblings}}
  <h3>同一订单的其他异常</h3>
  <ul>
{{#siblings}}    <li><a href="{{url}}">{{kind_label}}</a> <span class="badge badge-{{state_tone}}">{{state_label}}</span></li>
{{/siblings}}  </ul>
{{/has_siblings}}
  <h3>备注</h3>
  <form method="post" action="{{u_note}}" class="inline-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input name="reason" maxlength="255" required placeholder="写一条备注，例如：客户下午 3 点后方便接电话" aria-label="备注">
    <button type="submit">添加备注</button>
  </form>
  <h3>处理记录</h3>
  <ol class="timeline">
{{#history}}    <li{{#note}} class="note"{{/note}}><span class="time">{{at}}</span> <strong title="{{who_code}}">{{who}}</strong> {{what}}{{#has_detail}}：{{detail}}{{/has_detail}}</li>
{{/history}}  </ol>
</section>
</div>
