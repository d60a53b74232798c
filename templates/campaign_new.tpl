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
    <div class="filter-row">
      <label>开始 <input type="datetime-local" name="starts_at" aria-label="开始时间（留空：现在）"></label>
      <label>结束 <input type="datetime-local" name="ends_at" aria-label="结束时间（留空：3 天后）"></label>
      <label>最多 <input name="cap" value="1000" size="6" maxlength="5" inputmode="numeric"> 通</label>
    </div>
    <p class="small muted">开始留空为现在，结束留空为 3 天后；到结束时间还没拨打的外呼会撤回。</p>
    <button type="submit" class="primary">发起外呼任务</button>
  </form>
</section>
