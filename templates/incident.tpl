{{%AUTOESCAPE context="HTML"}}{{#incident}}<section class="card">
  <div class="order-title">
    <h1>事件 {{id}} · {{kind_label}}</h1>
    {{#open}}<span class="badge badge-red">进行中</span>{{/open}}{{#has_resolved}}<span class="badge badge-green">已结束 {{resolved_at}}</span>{{/has_resolved}}
  </div>
  <p class="case-facts">{{label}}：同一原因的 <strong>{{members}}</strong> 个异常单，自 <span class="time">{{opened_at}}</span> 起。</p>
  <p class="small"><a href="{{group_url}}">在队列中查看这一分组</a></p>
{{/incident}}{{#can_campaign}}
  <form method="post" action="{{u_campaigns}}" class="inline-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="incident" value="{{#incident}}{{id}}{{/incident}}">
    <label>话术 <select name="script">
{{#scripts}}      <option value="{{code}}"{{#selected}} selected{{/selected}}>{{name}}</option>
{{/scripts}}    </select></label>
    <label>最多 <input name="cap" value="1000" size="6" maxlength="5" inputmode="numeric"> 通</label>
    <button type="submit" class="primary">外呼全部客户</button>
    <span class="small muted">在每位客户最可能接听的时段拨打，3 天内完成（可在任务页暂停或停止）</span>
  </form>
{{/can_campaign}}{{#incident}}
</section>
{{/incident}}
<form class="card results" method="post" action="{{u_bulk}}/claim" id="bulk">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <input type="hidden" name="back" value="{{back}}">
{{#filter_fields}}  <input type="hidden" name="{{name}}" value="{{value}}">
{{/filter_fields}}
  <p class="result-head">事件中未关闭的异常单 <strong>{{count}}</strong> 个</p>
  <div class="bulkbar">
    <label class="check"><input type="radio" name="all" value="1" checked> 事件中的全部</label>
    <label class="check"><input type="radio" name="all" value=""> 勾选的异常单</label>
    <button type="submit" formaction="{{u_bulk}}/claim">认领</button>
{{#can_assign}}    <button type="submit" formaction="{{u_bulk}}/assign">指派…</button>
{{/can_assign}}    <button type="submit" formaction="{{u_bulk}}/resolve">解决…</button>
    <button type="submit" formaction="{{u_bulk}}/dismiss">忽略…</button>
{{#can_assign}}    <button type="submit" formaction="{{u_bulk}}/silence">静默…</button>
{{/can_assign}}  </div>
  <table class="grid queue" id="queue">
    <thead><tr><th><span class="sr">选择</span></th><th>严重</th><th>异常</th><th>订单号</th><th class="num">金额</th><th>情况</th><th>状态</th><th>处理人</th><th>时限</th></tr></thead>
    <tbody>
{{#rows}}
      <tr class="{{#overdue}}overdue{{/overdue}}" data-row>
        <td data-label="选择"><input type="checkbox" name="id" value="{{id}}" aria-label="选择异常单 {{id}}"></td>
        <td data-label="严重"><span class="badge badge-{{severity_tone}}">{{severity_label}}</span></td>
        <td data-label="异常"><a href="{{url}}" class="open">{{kind_label}}</a></td>
        <td data-label="订单号"><a href="{{order_url}}" class="mono">{{order_no}}</a></td>
        <td data-label="金额" class="num">¥{{amount}}</td>
        <td data-label="情况" class="facts-cell">{{facts}}</td>
        <td data-label="状态"><span class="badge badge-{{state_tone}}">{{state_label}}</span></td>
        <td data-label="处理人">{{#has_assignee}}{{assignee}}{{/has_assignee}}{{#no_assignee}}<span class="muted">未认领</span>{{/no_assignee}}</td>
        <td data-label="时限" class="due{{#overdue}} late{{/overdue}}">{{due}}</td>
      </tr>
{{/rows}}
    </tbody>
  </table>
{{#none}}  <p class="empty">事件中已没有未关闭的异常单。</p>
{{/none}}
</form>
