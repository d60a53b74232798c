{{%AUTOESCAPE context="HTML"}}<section class="card act">
  <p class="muted small"><a href="{{back}}">← 返回{{#has_case}}异常单 {{case}}{{/has_case}}</a> · <a href="{{order_url}}">订单 <span class="mono">{{order_no}}</span></a></p>
  <h1>外呼</h1>
  <p>机器人按话术拨打客户，号码不会显示给任何人；只在允许的时段拨打，免打扰名单上的号码不拨，每个话术对同一订单最多拨打有限次数。</p>
{{#err_case}}  <p class="field-error" role="alert">{{message}}</p>
{{/err_case}}
</section>
<section class="card">
  <form method="post" action="{{post}}" class="stack-form act-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <fieldset class="choices">
      <legend>话术</legend>
{{#scripts}}      <label class="choice{{#has_missing}} muted{{/has_missing}}"><input type="radio" name="script" value="{{code}}"{{#selected}} checked{{/selected}}{{#has_missing}} disabled{{/has_missing}}>
        <strong>{{name}}</strong> <span class="small muted">{{purpose}} · 时段 {{window}}</span>
        <span class="remark">{{text}}</span>
{{#has_missing}}        <span class="small">订单缺少「{{missing}}」，不能用这个话术。</span>
{{/has_missing}}      </label>
{{/scripts}}    </fieldset>
{{#err_script}}    <p class="field-error" role="alert">{{message}}</p>
{{/err_script}}
    <label class="check"><input type="checkbox" name="best" value="1"> 在客户最可能接听的时段拨打（根据客户以往接听、下单和使用 App 的时间）</label>
    <button type="submit" class="primary">安排外呼</button>
  </form>
</section>
{{#has_calls}}
<section class="card">
  <h2>这个订单的外呼</h2>
  <table class="list">
    <thead><tr><th>话术</th><th>次数</th><th>状态</th><th>时间</th><th>结果</th></tr></thead>
    <tbody>
{{#calls}}      <tr><td data-label="话术">{{script}}</td><td data-label="次数">第 {{attempt}} 次</td><td data-label="状态"><span class="badge badge-{{state_tone}}">{{state_label}}</span></td><td data-label="时间"><span class="time">{{at}}</span> <span class="small muted">{{why}}</span></td><td data-label="结果">{{follow_up}}</td></tr>
{{/calls}}    </tbody>
  </table>
</section>
{{/has_calls}}
