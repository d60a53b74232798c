{{%AUTOESCAPE context="HTML"}}<nav class="subnav" aria-label="管理">{{#subnav}}<a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/subnav}}</nav>
<section class="card">
  <h1>异常规则</h1>
  <p class="muted small">每种异常的判定阈值与处理时限（SLA）。扫描程序每一轮都会重新读取这里的设置。</p>
  <table class="grid rules">
    <thead><tr><th>异常</th><th>阈值</th><th>响应时限</th><th>解决时限</th><th>启用</th><th>最近修改</th><th></th></tr></thead>
    <tbody>
{{#rules}}
      <tr>
        <td data-label="异常" title="{{kind}}"><strong>{{label}}</strong></td>
        <td data-label="阈值">{{#has_threshold}}{{#is_price}}低于标价 <input name="threshold" value="{{threshold}}" size="4" inputmode="numeric" form="rule-{{kind}}" aria-label="{{label}} 低价阈值">% 或高于 <input name="threshold_high" value="{{threshold_high}}" size="4" inputmode="numeric" form="rule-{{kind}}" aria-label="{{label}} 高价阈值">%{{/is_price}}{{/has_threshold}}{{#timed}}超过 <input name="threshold" value="{{threshold}}" size="5" inputmode="numeric" form="rule-{{kind}}" aria-label="{{label}} 阈值"> {{unit}}{{/timed}}{{#no_threshold}}<span class="muted">—</span>{{/no_threshold}}
          {{#bad}}{{#bad_threshold}}<p class="field-error">{{message}}</p>{{/bad_threshold}}{{#bad_threshold_high}}<p class="field-error">{{message}}</p>{{/bad_threshold_high}}{{/bad}}</td>
        <td data-label="响应时限"><input name="ack_minutes" value="{{ack_minutes}}" size="5" inputmode="numeric" form="rule-{{kind}}" aria-label="{{label}} 响应时限"> 分钟{{#bad}}{{#bad_ack_minutes}}<p class="field-error">{{message}}</p>{{/bad_ack_minutes}}{{/bad}}</td>
        <td data-label="解决时限"><input name="resolve_minutes" value="{{resolve_minutes}}" size="5" inputmode="numeric" form="rule-{{kind}}" aria-label="{{label}} 解决时限"> 分钟{{#bad}}{{#bad_resolve_minutes}}<p class="field-error">{{message}}</p>{{/bad_resolve_minutes}}{{/bad}}</td>
        <td data-label="启用"><input type="checkbox" name="enabled" value="1" form="rule-{{kind}}" aria-label="启用 {{label}}"{{#enabled}} checked{{/enabled}}></td>
        <td data-label="最近修改" class="time">{{updated_at}}<br><span class="small" title="{{updated_by}}">{{updated_by_name}}</span></td>
        <td><form id="rule-{{kind}}" method="post" action="{{action}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="small">保存</button></form></td>
      </tr>
{{/rules}}
    </tbody>
  </table>
</section>
