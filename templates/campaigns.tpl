{{%AUTOESCAPE context="HTML"}}<section class="card">
  <h1>外呼任务</h1>
  <p class="small muted">从事件页发起：同一原因的全部客户，用一个话术，在各自最可能接听的时段拨打。</p>
{{#err_incident}}  <p class="field-error" role="alert">{{message}}</p>
{{/err_incident}}{{#err_case}}  <p class="field-error" role="alert">{{message}}</p>
{{/err_case}}{{#err_script}}  <p class="field-error" role="alert">{{message}}</p>
{{/err_script}}{{#err_cap}}  <p class="field-error" role="alert">{{message}}</p>
{{/err_cap}}{{#err_ends_at}}  <p class="field-error" role="alert">{{message}}</p>
{{/err_ends_at}}
{{#none}}  <p class="muted">还没有外呼任务。</p>
{{/none}}
</section>
{{#some}}<section class="card">
  <table class="list">
    <thead><tr><th>任务</th><th>话术</th><th>状态</th><th>时间</th><th>外呼</th><th>接通</th><th>跳过</th></tr></thead>
    <tbody>
{{#campaigns}}      <tr><td data-label="任务"><a href="{{url}}">{{name}}</a></td><td data-label="话术">{{script}}</td><td data-label="状态"><span class="badge badge-{{state_tone}}">{{state_label}}</span></td><td data-label="时间"><span class="time">{{starts_at}}</span> 至 <span class="time">{{ends_at}}</span></td><td data-label="外呼">{{asked}}</td><td data-label="接通">{{answered}}</td><td data-label="跳过">{{skipped}}</td></tr>
{{/campaigns}}    </tbody>
  </table>
</section>{{/some}}
