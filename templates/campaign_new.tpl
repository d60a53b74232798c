{{%AUTOESCAPE context="HTML"}}<section class="card">
  <h1>新建外呼任务</h1>
  <p>为选中的 <strong>{{count}}</strong> 个异常单的客户外呼：每位客户在最可能接听的时段拨打，3 天内完成；免打扰名单上的号码、外呼次数已用完的订单会跳过。</p>
  <form method="post" action="{{post}}" class="stack-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
{{#cases}}    <input type="hidden" name="case" value="{{id}}">
{{/cases}}    <fieldset class="choices">
      <legend>话术</legend>
{{#scripts}}      <label class="choice"><input type="radio" name="script" value="{{code}}" required> <strong>{{name}}</strong> <span class="small muted">{{purpose}}</span></label>
{{/scripts}}    </fieldset>
    <button type="submit" class="primary">发起外呼任务</button>
  </form>
</section>
