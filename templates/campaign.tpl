{{%AUTOESCAPE context="HTML"}}{{#campaign}}<section class="card">
  <p class="muted small"><a href="/campaigns">← 外呼任务</a>{{#has_incident}} · <a href="{{incident_url}}">来源事件</a>{{/has_incident}}</p>
  <div class="order-title">
    <h1>{{name}}</h1>
    <span class="badge badge-{{state_tone}}">{{state_label}}</span>
  </div>
  <dl class="facts">
    <div><dt>话术</dt><dd>{{script}}</dd></div>
    <div><dt>开始</dt><dd class="time">{{starts_at}}</dd></div>
    <div><dt>结束</dt><dd class="time">{{ends_at}}</dd></div>
    <div><dt>上限</dt><dd>{{cap}}</dd></div>
    <div><dt>外呼</dt><dd>{{asked}}</dd></div>
    <div><dt>跳过</dt><dd>{{skipped}}</dd></div>
    <div><dt>发起人</dt><dd>{{by}}</dd></div>
  </dl>
{{#has_skipped}}  <p class="remark">跳过的原因：{{skipped_why}}</p>
{{/has_skipped}}
</section>{{/campaign}}
<section class="card">
  <h2>结果</h2>
  <dl class="facts">
{{#states}}    <div><dt>{{label}}</dt><dd>{{count}}</dd></div>
{{/states}}    <div><dt>已接通</dt><dd>{{answered}}</dd></div>
{{#outcomes}}    <div><dt>接通 · {{label}}</dt><dd>{{count}}</dd></div>
{{/outcomes}}  </dl>
{{#can_change}}
  <div class="inline-form">
{{#can_pause}}    <form method="post" action="{{u_change}}/pause"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">暂停</button></form>
{{/can_pause}}{{#can_resume}}    <form method="post" action="{{u_change}}/resume"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="primary">恢复</button></form>
{{/can_resume}}{{#can_stop}}    <form method="post" action="{{u_change}}/stop"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">停止（撤回未拨打的外呼）</button></form>
{{/can_stop}}  </div>
{{/can_change}}
</section>
<section class="card">
  <h2>外呼（前 200 通）</h2>
  <table class="list">
    <thead><tr><th>订单</th><th>次数</th><th>状态</th><th>时间</th><th>结果</th></tr></thead>
    <tbody>
{{#calls}}      <tr><td data-label="订单"><a href="{{order_url}}" class="mono">{{order_no}}</a>{{#has_case}} · <a href="{{case_url}}">异常单</a>{{/has_case}}</td><td data-label="次数">第 {{attempt}} 次</td><td data-label="状态"><span class="badge badge-{{state_tone}}">{{state_label}}</span></td><td data-label="时间"><span class="time">{{at}}</span> <span class="small muted">{{why}}</span></td><td data-label="结果">{{follow_up}}</td></tr>
{{/calls}}    </tbody>
  </table>
</section>
