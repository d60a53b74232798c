{{%AUTOESCAPE context="HTML"}}<section class="card confirm">
  <h1>确认批量{{action_label}}</h1>
  <p class="confirm-count">将{{action_label}} <strong>{{count}}</strong> 个异常单{{#more}}（当前筛选超过 1000 个，这次只处理按当前排序的前 1000 个，其余可再次操作）{{/more}}。</p>
  <form method="post" action="{{post}}">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="confirm" value="1">
    <input type="hidden" name="back" value="{{back}}">
{{#ids}}    <input type="hidden" name="id" value="{{value}}">
{{/ids}}
{{#need_to}}
    <label>指派给
      <select name="to" required>
        <option value="">请选择客服</option>
{{#agents}}        <option value="{{id}}" title="{{login}}"{{#selected}} selected{{/selected}}>{{name}}</option>
{{/agents}}      </select>
    </label>
{{#err_to}}    <p class="field-error">{{message}}</p>
{{/err_to}}
{{/need_to}}
{{#need_hours}}
    <label>静默时长 <input name="hours" value="{{hours}}" size="4" maxlength="3" inputmode="numeric"> 小时（1–720）</label>
{{#err_hours}}    <p class="field-error">{{message}}</p>
{{/err_hours}}
{{/need_hours}}
{{#need_reason}}
    <label>原因（必填） <input name="reason" value="{{reason}}" required maxlength="255" size="48" placeholder="例如：快递公司已确认系统故障，统一处理"></label>
{{/need_reason}}
{{#want_reason}}
    <label>处理结果 <input name="reason" value="{{reason}}" maxlength="255" size="48" placeholder="例如：已联系客户，问题已解决"></label>
{{/want_reason}}
{{#err_reason}}    <p class="field-error">{{message}}</p>
{{/err_reason}}
    <p class="confirm-buttons"><button type="submit" class="primary">确认{{action_label}} {{count}} 个</button> <a href="{{back}}">取消，返回</a></p>
  </form>
  <table class="grid">
    <thead><tr><th>编号</th><th>异常</th><th>订单号</th><th>状态</th><th>情况</th></tr></thead>
    <tbody>
{{#sample}}      <tr><td data-label="编号">{{id}}</td><td data-label="异常">{{kind_label}}</td><td data-label="订单号" class="mono">{{order_no}}</td><td data-label="状态"><span class="badge badge-{{state_tone}}">{{state_label}}</span></td><td data-label="情况" class="small">{{facts}}</td></tr>
{{/sample}}
    </tbody>
  </table>
{{#has_more_sample}}  <p class="muted small">只列出前 20 个。</p>
{{/has_more_sample}}
</section>
