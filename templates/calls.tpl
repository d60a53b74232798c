{{%AUTOESCAPE context="HTML"}}<section class="card">
  <h1>外呼 <span class="muted small">机器人拨打的电话：待拨打、拨打中和已结束的，以及客户的回答</span></h1>
  <form action="{{u_filter}}" method="get">
    <div class="filter-row">
      <label>状态 <select name="state">{{#groups}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/groups}}</select></label>
      <label>话术
        <select name="script">
          <option value="">全部</option>
{{#scripts}}          <option value="{{code}}" title="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/scripts}}        </select>
      </label>
      <label>结果
        <select name="status">
          <option value="">全部</option>
{{#statuses}}          <option value="{{code}}" title="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/statuses}}        </select>
      </label>
      <label>订单号 <input name="order" value="{{order}}" size="18" maxlength="32" inputmode="numeric"></label>
      <button type="submit" class="primary">筛选</button>
    </div>
{{#err_state}}    <p class="field-error">状态：{{message}}</p>
{{/err_state}}{{#err_script}}    <p class="field-error">话术：{{message}}</p>
{{/err_script}}{{#err_status}}    <p class="field-error">结果：{{message}}</p>
{{/err_status}}{{#err_order}}    <p class="field-error">订单号：{{message}}</p>
{{/err_order}}{{#err_before}}    <p class="field-error">{{message}}</p>
{{/err_before}}
  </form>
{{#can_manage}}  <p class="small"><a href="{{u_scripts}}">外呼话术</a> · <a href="{{u_dnc}}">免打扰名单</a></p>
{{/can_manage}}
</section>
{{#survey}}
<section class="card">
  <h2>{{survey_name}}：评分和标签 <span class="muted small">按上面的筛选条件统计全部外呼，不只是本页</span></h2>
  <p>外呼 {{calls}} 通，其中 {{rated}} 位客户打了分{{#has_rated}}，平均 <strong>{{average}}</strong> 分{{/has_rated}}。</p>
{{#has_rated}}  <table class="grid">
    <thead><tr><th>评分</th><th class="num">人数</th><th class="num">占比</th></tr></thead>
    <tbody>
{{#scores}}      <tr><td data-label="评分">{{score}} 分</td><td data-label="人数" class="num">{{count}}</td><td data-label="占比" class="num">{{percent}}%</td></tr>
{{/scores}}    </tbody>
  </table>
{{/has_rated}}{{#has_tags}}  <h3>客户提到的方面</h3>
  <table class="grid">
    <thead><tr><th>标签</th><th class="num">次数</th></tr></thead>
    <tbody>
{{#tags}}      <tr><td data-label="标签" title="{{code}}">{{label}}</td><td data-label="次数" class="num">{{count}}</td></tr>
{{/tags}}    </tbody>
  </table>
{{/has_tags}}
</section>
{{/survey}}
<section class="card">
  <table class="grid">
    <thead><tr><th>编号</th><th>订单</th><th>话术</th><th>次数</th><th>状态</th><th>安排时间</th><th>结果</th><th>评分</th><th>通话</th></tr></thead>
    <tbody>
{{#rows}}      <tr>
        <td data-label="编号" class="mono">{{id}}</td>
        <td data-label="订单"><a href="{{order_url}}" class="mono">{{order_no}}</a>{{#has_case}}<br><a href="{{case_url}}" class="small">异常单 {{case_id}}</a>{{/has_case}}</td>
        <td data-label="话术" title="{{script}}">{{script_name}}</td>
        <td data-label="次数">第 {{attempt}} 次</td>
        <td data-label="状态"><span class="badge badge-{{state_tone}}" title="{{state}}">{{state_label}}</span></td>
        <td data-label="安排时间"><span class="time">{{scheduled_at}}</span><br><span class="small muted">{{why}}</span></td>
        <td data-label="结果">{{#has_result}}<span class="badge badge-{{status_tone}}" title="{{status}}">{{status_label}}</span>{{/has_result}}{{#has_intent}} <span title="{{intent}}">客户：{{intent_label}}</span>{{/has_intent}}{{#has_follow_up}}<br><span class="small">{{follow_up}}</span>{{/has_follow_up}}</td>
        <td data-label="评分">{{#has_score}}{{score}} 分{{/has_score}}{{#has_tags}}<br><span class="small">{{#tags}}<span class="badge badge-blue" title="{{code}}">{{label}}</span> {{/tags}}</span>{{/has_tags}}</td>
        <td data-label="通话">{{#has_duration}}{{duration}}{{/has_duration}}{{#has_ended}}<br><span class="small muted time">{{ended_at}}</span>{{/has_ended}}{{#has_transcript}}<br><a href="{{transcript_url}}" rel="noopener noreferrer" class="small">通话记录</a>{{/has_transcript}}</td>
      </tr>
{{/rows}}    </tbody>
  </table>
{{#none}}  <p class="empty">没有符合条件的外呼。</p>
{{/none}}
  <p class="pager">{{#paged}}<a href="{{first}}">回到最新</a>{{/paged}}{{#has_next}} <a href="{{next}}" rel="next">更早的外呼 →</a>{{/has_next}}</p>
</section>
